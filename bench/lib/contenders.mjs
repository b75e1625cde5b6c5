import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startAgent } from "./agent.mjs";
import { meterAgent } from "./agent-meter.mjs";
import { onCleanup } from "./cleanup.mjs";
import { nowMs, sleep } from "./clock.mjs";
import { cpuMs, minorFaults, peakRssMiB } from "./proc.mjs";
import {
  dropPaced,
  dropStaged,
  eventId,
  makeEvhRoot,
  makeTempDir,
  stageEvents,
  throughputOf,
  waitForStarts,
  writeHandlerScript,
} from "./workload.mjs";

/*
 * Each contender runs the same handler script over the same events and
 * reports the same figures. Bursts: `burst(n)` → throughput. Paced drops:
 * `paced(n, gapMs)` → per-event latencies (handler start − drop), in ms.
 */

const BARE_LOOP = fileURLToPath(new URL("./bare-loop.mjs", import.meta.url));

function waitExit(child) {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Collects a child's stdout as text. */
function stdoutOf(child) {
  let text = "";
  child.stdout.on("data", (chunk) => {
    text += chunk;
  });
  return () => text;
}

/** evh: the agent on a fresh root; events renamed into spool/new/ while it runs. */
export const evh = {
  name: "evh",
  async burst(opts) {
    const { n } = opts;
    const root = makeEvhRoot(opts);
    const ids = stageEvents(root.spool, n);
    const agent = await startAgent(root.root);
    const meter = meterAgent(agent.pid);
    const faultsBefore = minorFaults(agent.pid);
    const firstDrop = dropStaged(root.spool, ids);
    const starts = await waitForStarts(root.out, n);
    const figures = {
      ...throughputOf(starts, firstDrop, n),
      ...meter.finish(n),
      faultsPerEvent: (minorFaults(agent.pid) - faultsBefore) / n,
    };
    await agent.stop();
    return figures;
  },
  async paced(opts) {
    const { n, gapMs } = opts;
    const root = makeEvhRoot(opts);
    const agent = await startAgent(root.root);
    const drops = await dropPaced(root.spool, n, gapMs);
    const starts = await waitForStarts(root.out, n, { stallMs: 10_000 });
    await agent.stop();
    return latencies(drops, starts);
  },
};

/** The bare Node loop (bare-loop.mjs) with one of its spawners: the runtime's spawn limit. */
export function bareNode(spawner) {
  return {
    name: spawner === "spawn" ? "node" : `node ${spawner}`,
    async burst({ n, concurrency, keep }) {
      const { script, out, idsFile } = listWorkload(n, keep);
      const child = spawn(process.execPath, [
        BARE_LOOP,
        ...["--script", script, "--concurrency", String(concurrency)],
        ...["--spawner", spawner, "--ids", idsFile],
      ]);
      const release = onCleanup(() => child.kill("SIGKILL"));
      const text = stdoutOf(child);
      await waitExit(child);
      release();
      const { startMs, maxRssMiB, cpuMs: loopCpuMs, minorFaults: faults } = JSON.parse(text());
      const starts = await waitForStarts(out, n, { stallMs: 5000 });
      return {
        ...throughputOf(starts, startMs, n),
        peakRssMiB: maxRssMiB,
        cpuMsPerEvent: loopCpuMs / n,
        faultsPerEvent: faults / n,
      };
    },
    async paced({ n, gapMs, concurrency, keep }) {
      const dir = makeTempDir("node-watch", { keep });
      const { script, out } = writeHandlerScript(dir);
      const spool = path.join(dir, "spool");
      stageEvents(spool, 0); // creates tmp/ and new/
      const child = spawn(process.execPath, [
        BARE_LOOP,
        ...["--script", script, "--concurrency", String(concurrency), "--watch", `${spool}/new`],
      ]);
      const release = onCleanup(() => child.kill("SIGKILL"));
      const text = stdoutOf(child);
      while (!text().includes("ready")) await sleep(20);
      const drops = await dropPaced(spool, n, gapMs);
      const starts = await waitForStarts(out, n, { stallMs: 10_000 });
      child.kill("SIGTERM");
      await waitExit(child);
      release();
      return latencies(drops, starts);
    },
  };
}

/** xargs -P: the same script over the id list, forked by a C program; the OS's spawn limit. */
export const xargs = {
  name: "xargs -P",
  async burst({ n, concurrency, keep }) {
    const { script, out, idsFile } = listWorkload(n, keep);
    const startMs = nowMs();
    const child = spawn("sh", ["-c", `exec xargs -P ${concurrency} -n 1 ${script} < ${idsFile}`]);
    const release = onCleanup(() => child.kill("SIGKILL"));
    await waitExit(child);
    release();
    return throughputOf(await waitForStarts(out, n, { stallMs: 5000 }), startMs, n);
  },
};

/** incron on a spool-like directory: `session` comes from openIncron(); it has no concurrency limit. */
export function incron(session) {
  return {
    name: "incron",
    async burst({ n }) {
      session.reset();
      const ids = stageEvents(session.spool, n);
      // incrond's own figures only when this run started it: a shared one serves others too.
      const pid = session.daemonPid;
      const cpuBefore = pid ? cpuMs(pid) : undefined;
      const firstDrop = dropStaged(session.spool, ids);
      const starts = await waitForStarts(session.out, n, { stallMs: 10_000 });
      const figures = throughputOf(starts, firstDrop, n);
      if (pid) {
        figures.peakRssMiB = peakRssMiB(pid);
        figures.cpuMsPerEvent = (cpuMs(pid) - cpuBefore) / n;
      }
      return figures;
    },
    async paced({ n, gapMs }) {
      session.reset();
      const drops = await dropPaced(session.spool, n, gapMs);
      return latencies(drops, await waitForStarts(session.out, n, { stallMs: 10_000 }));
    },
  };
}

/** A temp dir with the handler script and a file of `n` ids, for the contenders that take a list. */
function listWorkload(n, keep) {
  const dir = makeTempDir("list", { keep });
  const { script, out } = writeHandlerScript(dir);
  const idsFile = path.join(dir, "ids");
  const ids = Array.from({ length: n }, (_, i) => eventId(i + 1));
  writeFileSync(idsFile, `${ids.join("\n")}\n`);
  return { dir, script, out, idsFile };
}

/** Handler start − drop time per event; events that never started are counted apart. */
function latencies(drops, starts) {
  const values = [];
  for (const { id, ms } of starts) {
    const dropped = drops.get(id);
    if (dropped !== undefined) values.push(ms - dropped);
  }
  return { values, lost: drops.size - values.length };
}
