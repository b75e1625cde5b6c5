/**
 * The targets, checked against a run's results: those of the issue "start
 * handlers off the agent's thread: a launcher design" for throughput,
 * latency, CPU and memory, and those of "Measure and win on speed" for
 * handler load, matching, webhooks and idle. They are reported, never
 * asserted: timings belong in benchmarks, not in tests. `met` is null when
 * the figure was not measured in this run (section skipped, incron
 * missing, concurrency 2 not in the sweep).
 */

/** The concurrency the throughput targets are stated at: evh's default. */
const AT = 2;

/** The medians of each contender's burst at concurrency `c`; results from before the sweep had one level. */
function burstAt(results, c) {
  const tp = results.throughput;
  if (!tp) return undefined;
  if (tp.byConcurrency) return tp.byConcurrency[c]?.medians;
  return results.options.concurrency === c ? tp.medians : undefined;
}

const measured = (x) => x !== undefined && x !== null && !Number.isNaN(x);

/** "1.23×", "45 MiB", or "not measured" without a unit glued to it. */
const show = (x, digits = 2, unit = "") =>
  measured(x) ? `${x.toFixed(digits)}${unit}` : "not measured";

export function checkTargets(results) {
  const rows = [];
  /** `met` decides only when every figure it needs was measured. */
  const add = (target, value, figures, met) =>
    rows.push({ target, value, met: figures.every(measured) ? met() : null });
  const { options } = results;

  const burst = burstAt(results, AT);
  const evh = burst?.evh;
  const vsIncron = evh?.perSecond / burst?.incron?.perSecond;
  add(
    `throughput at concurrency ${AT} ≥ 1.5× incron`,
    show(vsIncron, 2, "×"),
    [vsIncron],
    () => vsIncron >= 1.5,
  );
  const vsNode = evh?.perSecond / burst?.node?.perSecond;
  add(
    `throughput at concurrency ${AT} ≥ 1.0× bare Node loop at ${AT}`,
    show(vsNode, 2, "×"),
    [vsNode],
    () => vsNode >= 1,
  );

  const bl = results.backlog;
  // The backlog runs at the sweep's first concurrency; its burst is compared at the same one.
  const blAt = bl?.concurrency ?? options.concurrency;
  const blVsBurst = bl?.perSecond / burstAt(results, blAt)?.evh?.perSecond;
  add(
    `throughput with a backlog of ${options.backlog} ≥ 0.9× the burst's (concurrency ${blAt})`,
    show(blVsBurst, 2, "×"),
    [blVsBurst],
    () => blVsBurst >= 0.9,
  );
  const firstS = bl?.firstStartMs / 1000;
  add(
    `backlog of ${options.backlog}: first handler ≤ 1 s after start`,
    show(firstS, 2, " s"),
    [firstS],
    () => firstS <= 1,
  );

  const mainMs = evh?.mainThreadCpuMsPerEvent;
  add(
    `agent main-thread CPU ≤ 1 ms/event (burst, concurrency ${AT})`,
    show(mainMs, 2, " ms"),
    [mainMs],
    () => mainMs <= 1,
  );

  const lat = results.latency?.medians;
  const p50 = lat?.evh?.p50;
  add("latency p50 ≤ 5 ms", show(p50, 1, " ms"), [p50], () => p50 <= 5);
  const p99 = lat?.evh?.p99;
  const incronP99 = lat?.incron?.p99;
  add(
    "latency p99 ≤ incron's p99",
    `${show(p99, 1, " ms")} vs ${show(incronP99, 1, " ms")}`,
    [p99, incronP99],
    () => p99 <= incronP99,
  );

  // Judged on PSS, the memory the agent and its launchers hold at once with the Node binary's
  // shared pages counted once; the sum of each one's RSS peak (an upper bound) is shown beside it.
  // Results from before the launchers were metered have the agent's RSS alone.
  const burstRss = evh?.peakRssWithLaunchersMiB ?? evh?.peakRssMiB;
  const burstMem = evh?.peakPssWithLaunchersMiB ?? burstRss;
  add(
    `peak memory agent + launchers ≤ 100 MiB (PSS; ${options.n}-event burst, concurrency ${AT})`,
    `${show(burstMem, 0, " MiB")} (RSS peaks summed ${show(burstRss, 0, " MiB")})`,
    [burstMem],
    () => burstMem <= 100,
  );
  const blRss = bl?.peakRssWithLaunchersMiB ?? bl?.peakRssMiB;
  const blMem = bl?.peakPssWithLaunchersMiB ?? blRss;
  add(
    `backlog of ${options.backlog}: peak memory agent + launchers ≤ 160 MiB (PSS)`,
    `${show(blMem, 0, " MiB")} (RSS peaks summed ${show(blRss, 0, " MiB")})`,
    [blMem],
    () => blMem <= 160,
  );

  const load10k = results.handlers?.find((r) => r.handlers === 10_000)?.loadMs / 1000;
  add("10,000 handlers load ≤ 2 s", show(load10k, 2, " s"), [load10k], () => load10k <= 2);
  const hs = results.handlers ?? [];
  // "Flat": the agent's CPU per event with the most handlers within 25% of that with the fewest.
  const growth = hs.length >= 2 ? hs.at(-1).cpuMsPerEvent / hs[0].cpuMsPerEvent : undefined;
  add(
    hs.length >= 2
      ? `matching cost flat (CPU/event at ${hs.at(-1).handlers} ≤ 1.25× at ${hs[0].handlers} handlers)`
      : "matching cost flat",
    show(growth, 2, "×"),
    [growth],
    () => growth <= 1.25,
  );

  const webhookRatio = results.webhook?.ratio;
  add(
    "webhook handler throughput ≥ 5× a curl command handler",
    show(webhookRatio, 2, "×"),
    [webhookRatio],
    () => webhookRatio >= 5,
  );

  const idle = results.idle;
  const wakeups = idle?.epoll?.wakeupsPerS ?? idle?.wakeupsPerS;
  add("idle: at most 1 wakeup a second", show(wakeups, 1, " /s"), [wakeups], () => wakeups <= 1);
  return rows;
}
