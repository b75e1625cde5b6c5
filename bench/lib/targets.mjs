/**
 * The targets, checked against a run's results. They are reported,
 * never asserted: timings belong in benchmarks, not in tests. `met` is null
 * when the figure was not measured in this run (section skipped, incron
 * missing).
 */
export function checkTargets(results) {
  const tp = results.throughput?.medians;
  const lat = results.latency?.medians;
  const evhTp = tp?.evh?.perSecond;
  const rows = [];
  const add = (target, value, met) => rows.push({ target, value, met: met ?? null });
  const ratio = (a, b) => (a !== undefined && b !== undefined ? a / b : undefined);
  const fmt = (x, digits = 2) =>
    x === undefined || Number.isNaN(x) ? "not measured" : x.toFixed(digits);

  const vsIncron = ratio(evhTp, tp?.incron?.perSecond);
  add("throughput ≥ 3× incron", `${fmt(vsIncron)}×`, vsIncron === undefined ? null : vsIncron >= 3);
  const vsNode = ratio(evhTp, tp?.node?.perSecond);
  add(
    "throughput ≥ 0.9× bare Node loop",
    `${fmt(vsNode)}×`,
    vsNode === undefined ? null : vsNode >= 0.9,
  );

  const p50 = lat?.evh?.p50;
  add("latency p50 ≤ 5 ms", `${fmt(p50, 1)} ms`, p50 === undefined ? null : p50 <= 5);
  const p99 = lat?.evh?.p99;
  const incronP99 = lat?.incron?.p99;
  add(
    "latency p99 ≤ incron's p99",
    `${fmt(p99, 1)} ms vs ${fmt(incronP99, 1)} ms`,
    p99 === undefined || incronP99 === undefined ? null : p99 <= incronP99,
  );

  const burstRss = tp?.evh?.peakRssMiB;
  add(
    `peak RSS ≤ 80 MiB (${results.options.n}-event burst)`,
    `${fmt(burstRss, 0)} MiB`,
    burstRss === undefined ? null : burstRss <= 80,
  );

  const bl = results.backlog;
  add(
    `backlog of ${results.options.backlog}: peak RSS ≤ 150 MiB`,
    `${fmt(bl?.peakRssMiB, 0)} MiB`,
    bl ? bl.peakRssMiB <= 150 : null,
  );
  add(
    `backlog of ${results.options.backlog}: first handler ≤ 1 s after start`,
    `${fmt(bl ? bl.firstStartMs / 1000 : undefined)} s`,
    bl ? bl.firstStartMs <= 1000 : null,
  );

  const rows10k = results.handlers?.find((r) => r.handlers === 10_000);
  add(
    "10,000 handlers load ≤ 2 s",
    `${fmt(rows10k ? rows10k.loadMs / 1000 : undefined)} s`,
    rows10k ? rows10k.loadMs <= 2000 : null,
  );
  const hs = results.handlers ?? [];
  if (hs.length >= 2) {
    // "Flat": the agent's CPU per event with the most handlers within 25% of that with the fewest.
    const growth = hs.at(-1).cpuMsPerEvent / hs[0].cpuMsPerEvent;
    add(
      `matching cost flat (CPU/event at ${hs.at(-1).handlers} ≤ 1.25× at ${hs[0].handlers} handlers)`,
      `${fmt(growth)}×`,
      growth <= 1.25,
    );
  } else {
    add("matching cost flat", "not measured", null);
  }

  const wh = results.webhook;
  add(
    "webhook handler throughput ≥ 5× a curl command handler",
    `${fmt(wh?.ratio)}×`,
    wh ? wh.ratio >= 5 : null,
  );

  const idle = results.idle;
  const wakeups = idle?.epoll?.wakeupsPerS ?? idle?.wakeupsPerS;
  add(
    "idle: at most 1 wakeup a second",
    `${fmt(wakeups, 1)} /s`,
    wakeups === undefined ? null : wakeups <= 1,
  );
  return rows;
}
