import { startAgent } from "../lib/agent.mjs";
import { meterAgent } from "../lib/agent-meter.mjs";
import { nowMs, sleep } from "../lib/clock.mjs";
import { rssMiB } from "../lib/proc.mjs";
import { fillBacklog, makeEvhRoot, readStarts, waitForStarts } from "../lib/workload.mjs";

/**
 * `backlog` events already waiting in new/ when the agent starts (after an
 * outage, say). Times are from the agent's spawn: when it says ready, when
 * the first handler starts (the queue must not wait for the whole listing),
 * and when the last one does. Peak RSS shows whether memory grows with the
 * backlog. One run: it is long, and its figures are far from the targets'
 * margins, so noise matters less.
 */
export async function backlog(opts, { progress }) {
  const root = makeEvhRoot(opts);
  progress(`backlog: writing ${opts.backlog} events into new/`);
  fillBacklog(root.spool, opts.backlog);
  const agent = await startAgent(root.root);
  const meter = meterAgent(agent.pid, { fromSpawn: true });
  const t0 = agent.spawnedAtMs;
  const firstStart = await firstStartAfter(root.out, t0);
  progress(`backlog: first handler ${Math.round(firstStart)} ms after spawn; running the rest`);
  const starts = await waitForStarts(root.out, opts.backlog, { stallMs: 60_000, pollMs: 1000 });
  const lastMs = starts.reduce((m, s) => Math.max(m, s.ms), 0);
  const figures = {
    concurrency: opts.concurrency,
    events: starts.length,
    lost: opts.backlog - starts.length,
    readyMs: agent.readyAtMs - t0,
    firstStartMs: firstStart,
    totalS: (lastMs - t0) / 1000,
    perSecond: starts.length / ((lastMs - t0) / 1000),
    ...meter.finish(starts.length),
    endRssMiB: rssMiB(agent.pid),
  };
  await agent.stop();
  progress(
    `backlog: ${figures.perSecond.toFixed(1)} events/s, peak RSS ${figures.peakRssMiB.toFixed(0)} MiB`,
  );
  return figures;
}

/** Watches the start log closely for its first line (a 1 s target needs finer polling than the rest). */
async function firstStartAfter(out, t0) {
  for (;;) {
    const starts = readStarts(out);
    if (starts.length > 0) return starts[0].ms - t0; // appends are in start order, give or take a few µs
    if (nowMs() - t0 > 600_000) return Number.NaN;
    await sleep(20);
  }
}
