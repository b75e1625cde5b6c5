import { agentTable } from "./report-agent.mjs";
import { renderThroughput } from "./report-throughput.mjs";
import { num, table } from "./table.mjs";

/** The human-readable report of one run: machine, each section's medians and ratios, then the targets. */
export function renderReport(results) {
  const { machine: m, options: o } = results;
  const out = [
    `evh benchmark — ${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}, ${m.tmpdir} on ${m.tmpFs}, ` +
      `load ${m.loadAverage.join(" ")}, evh ${m.evhCommit}`,
    `concurrency ${(o.concurrencies ?? [o.concurrency]).join(", ")} (other sections: ${o.concurrency}); ` +
      `medians of ${o.reps} runs unless noted`,
  ];
  const section = (title, body) => out.push("", title, body);
  const load = (name) => {
    const l = results.loadAfter?.[name];
    return l ? ` [load after: ${l.join(" ")}]` : "";
  };

  const tp = results.throughput;
  if (tp) {
    section(
      `Throughput: ${o.n} events renamed into new/ at once (first drop → last handler start)${load("throughput")}`,
      renderThroughput(tp, o),
    );
  }
  const lat = results.latency?.medians;
  if (lat) {
    section(
      `Latency: ${o.latencyN} events dropped ${o.latencyGapMs} ms apart (handler start − drop)${load("latency")}`,
      table(Object.entries(lat), [
        ["contender", ([name]) => name],
        ["p50 ms", ([, r]) => num(r.p50, 2)],
        ["p99 ms", ([, r]) => num(r.p99, 2)],
        ["max ms", ([, r]) => num(r.max, 2)],
        ["missing", ([, r]) => num(r.lost, 0)],
        ["evh p50 ÷ this", ([, r]) => `${num(lat.evh?.p50 / r.p50, 2)}×`],
      ]),
    );
  }
  const bl = results.backlog;
  if (bl) {
    section(
      `Backlog: ${o.backlog} events in new/ before the agent starts (one run; times from spawn)${load("backlog")}`,
      table(
        [bl],
        [
          ["ready ms", (r) => num(r.readyMs, 0)],
          ["first handler ms", (r) => num(r.firstStartMs, 0)],
          ["total s", (r) => num(r.totalS)],
          ["events/s", (r) => num(r.perSecond)],
          ["peak RSS MiB", (r) => num(r.peakRssMiB, 0)],
          ["CPU ms/event", (r) => num(r.cpuMsPerEvent, 2)],
          ["missing", (r) => r.lost],
        ],
      ),
    );
    out.push("", agentTable([bl], [["", () => "backlog"]]));
  }
  const hs = results.handlers;
  if (hs) {
    section(
      `Handlers that never match, ${o.matchN} events each (one run per count)${load("handlers")}`,
      table(hs, [
        ["handlers", (r) => r.handlers],
        ["load ms (spawn → ready)", (r) => num(r.loadMs, 0)],
        ["watching ms", (r) => num(r.watchMs, 0)],
        ["events/s", (r) => num(r.perSecond)],
        ["CPU ms/event", (r) => num(r.cpuMsPerEvent, 2)],
        ["peak RSS MiB", (r) => num(r.peakRssMiB, 0)],
      ]),
    );
    out.push("", agentTable(hs, [["handlers", (r) => r.handlers]]));
  }
  const wh = results.webhook;
  if (wh) {
    section(
      `Webhooks: ${o.webhookN} events to a local receiver answering 200 at once (concurrency ${o.concurrency})${load("webhook")}`,
      table(wh.rows, [
        ["handler", (r) => r.contender],
        ["events/s", (r) => num(r.perSecond)],
        ["drop→receipt p50 ms", (r) => num(r.latencyMs.p50, 0)],
        ["p99 ms", (r) => num(r.latencyMs.p99, 0)],
        ["missing", (r) => r.missing],
      ]),
    );
  }
  const idle = results.idle;
  if (idle) {
    const epoll = idle.epoll
      ? `; under strace ${num(idle.epoll.wakeupsPerS, 2)} blocking epoll waits/s, by timeout (ms): ` +
        Object.entries(idle.epoll.timeouts)
          .map(([t, count]) => `${t}×${count}`)
          .join(" ")
      : "; strace not available for the per-timer view";
    section(
      `Idle: empty spool for ${idle.seconds} s${load("idle")}`,
      `CPU ${num(idle.cpuMs, 0)} ms (${num(idle.cpuPercent, 2)} %), ${num(idle.wakeupsPerS, 2)} voluntary context switches/s${epoll}`,
    );
  }
  const prof = results.profile;
  if (prof) {
    const comps = prof.cpu.summary.components.slice(0, 14);
    section(
      `Profile: main thread during a ${prof.events}-event burst (node --cpu-prof; ${prof.cpu.file})`,
      table(comps, [
        ["charged to", (r) => r.name],
        ["ms", (r) => num(r.ms, 0)],
        ["share", (r) => `${num(r.share * 100)} %`],
        ["ms/event", (r) => num(r.msPerEvent, 3)],
      ]),
    );
    out.push(
      "",
      table(prof.cpu.summary.functions.slice(0, 10), [
        ["hottest functions (self time)", (r) => r.name],
        ["ms", (r) => num(r.ms, 0)],
        ["share", (r) => `${num(r.share * 100)} %`],
      ]),
    );
    for (const launcher of prof.cpu.launchers ?? []) {
      section(
        `Profile: a launcher's main thread over the same burst, its whole life (${launcher.file})`,
        table(launcher.summary.components.slice(0, 10), [
          ["charged to", (r) => r.name],
          ["ms", (r) => num(r.ms, 0)],
          ["share", (r) => `${num(r.share * 100)} %`],
          ["ms/event of the burst", (r) => num(r.msPerEvent, 3)],
        ]),
      );
      out.push(
        "",
        table(launcher.summary.functions.slice(0, 8), [
          ["hottest functions (self time)", (r) => r.name],
          ["ms", (r) => num(r.ms, 0)],
          ["share", (r) => `${num(r.share * 100)} %`],
        ]),
      );
    }
    if (prof.syscalls) {
      section(
        `System calls of the agent's threads per event (strace -c, ${prof.syscalls.events} events)`,
        table(prof.syscalls.calls.slice(0, 16), [
          ["syscall", (r) => r.syscall],
          ["per event", (r) => num(r.perEvent, 2)],
          ["errors", (r) => r.errors],
          ["syscall s", (r) => num(r.seconds, 3)],
        ]),
      );
    }
  }
  section(
    "Targets (issues: start handlers off the agent's thread; Measure and win on speed)",
    table(results.targets, [
      ["target", (r) => r.target],
      ["this run", (r) => r.value],
      ["", (r) => (r.met === null ? "not measured" : r.met ? "met" : "NOT MET"), "left"],
    ]),
  );
  return out.join("\n");
}
