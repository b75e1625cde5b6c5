import { bareNode, evh, incron } from "../lib/contenders.mjs";
import { median, summarize } from "../lib/stats.mjs";

/**
 * Events dropped one at a time, `latencyGapMs` apart, into an idle
 * contender: handler start − drop, the delay a single event sees. The bare
 * Node fs.watch loop is the floor for a Node process reacting to inotify.
 * Each run keeps its per-event latencies (`runs[who][i].latenciesMs`).
 */
export async function latency(opts, { incronSession, progress }) {
  const all = { evh, node: bareNode("spawn") };
  if (incronSession) all.incron = incron(incronSession);
  const contenders = opts.contenders.filter((c) => all[c]).map((c) => all[c]);
  const runs = Object.fromEntries(contenders.map((c) => [name(c), []]));
  const paced = { ...opts, n: opts.latencyN, gapMs: opts.latencyGapMs };
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const contender of contenders) {
      const { values, lost } = await contender.paced(paced);
      // Every sample is kept, to µs: the latency CDF chart pools them across repetitions.
      const figures = { ...summarize(values), lost, latenciesMs: values.map(microseconds) };
      runs[name(contender)].push(figures);
      progress(
        `latency ${rep}/${opts.reps} ${name(contender)}: p50 ${figures.p50.toFixed(1)} ms, ` +
          `p99 ${figures.p99.toFixed(1)} ms` +
          (lost > 0 ? `, ${lost} missing` : ""),
      );
    }
  }
  const medians = {};
  for (const [who, list] of Object.entries(runs)) {
    medians[who] = {
      p50: median(list.map((r) => r.p50)),
      p99: median(list.map((r) => r.p99)),
      max: median(list.map((r) => r.max)),
      lost: Math.max(...list.map((r) => r.lost)),
    };
  }
  return { runs, medians };
}

const microseconds = (ms) => Math.round(ms * 1000) / 1000;

const name = (c) => (c.name === "node" ? "node fs.watch" : c.name);
