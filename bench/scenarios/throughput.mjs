import { bareNode, evh, incron, xargs } from "../lib/contenders.mjs";
import { medianOf } from "../lib/stats.mjs";

const FIELDS = [
  "perSecond",
  "seconds",
  "firstStartMs",
  "peakRssMiB",
  "cpuMsPerEvent",
  "mainThreadCpuMsPerEvent",
  "launcherCpuMsPerEvent",
  "launchers",
  "peakRssWithLaunchersMiB",
  "peakPssWithLaunchersMiB",
  "faultsPerEvent",
  "lost",
];

/**
 * Contenders that take no concurrency: incron forks one child per event at
 * once. They run once per repetition, and their figure stands for every
 * concurrency of the sweep.
 */
const UNLIMITED = new Set(["incron"]);

/**
 * N events renamed into new/ at once; each contender runs the same handler
 * over them, at each concurrency of `--concurrency`. Repetitions are
 * interleaved (evh, node, ..., at each concurrency, then again) so a noisy
 * neighbour that comes and goes hurts every contender and level alike.
 *
 * Returns `byConcurrency[c] = { runs, medians }` for each level, and, as
 * before the sweep, `runs` and `medians` of the first level.
 */
export async function throughput(opts, { incronSession, progress }) {
  const all = { evh, node: bareNode("spawn"), "node-execa": bareNode("execa"), xargs };
  if (incronSession) all.incron = incron(incronSession);
  const contenders = opts.contenders.filter((c) => all[c]).map((c) => all[c]);
  const levels = opts.concurrencies;
  const measuredAt = (contender, c) => !UNLIMITED.has(contender.name) || c === levels[0];
  const runs = Object.fromEntries(
    levels.map((c) => [
      c,
      Object.fromEntries(contenders.filter((x) => measuredAt(x, c)).map((x) => [x.name, []])),
    ]),
  );
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const concurrency of levels) {
      for (const contender of contenders) {
        if (!measuredAt(contender, concurrency)) continue;
        const result = await contender.burst({ ...opts, concurrency });
        runs[concurrency][contender.name].push(result);
        const at = UNLIMITED.has(contender.name) ? "no limit" : `concurrency ${concurrency}`;
        progress(
          `throughput ${rep}/${opts.reps} ${contender.name} (${at}): ${result.perSecond.toFixed(1)} events/s` +
            (result.lost > 0 ? `, ${result.lost} missing` : ""),
        );
      }
    }
  }
  const byConcurrency = {};
  for (const c of levels) {
    const medians = Object.fromEntries(
      Object.entries(runs[c]).map(([name, list]) => [name, medianOf(list, FIELDS)]),
    );
    byConcurrency[c] = { runs: runs[c], medians };
  }
  const first = byConcurrency[levels[0]];
  const unlimited = contenders.map((c) => c.name).filter((name) => UNLIMITED.has(name));
  for (const c of levels.slice(1)) {
    for (const name of unlimited) byConcurrency[c].medians[name] = first.medians[name];
  }
  return {
    concurrencies: levels,
    unlimited,
    runs: first.runs,
    medians: first.medians,
    byConcurrency,
  };
}
