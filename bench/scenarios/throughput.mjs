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
  "faultsPerEvent",
  "lost",
];

/**
 * N events renamed into new/ at once; each contender runs the same handler
 * over them. Repetitions are interleaved (evh, node, ..., then again) so a
 * noisy neighbour that comes and goes hurts every contender alike.
 */
export async function throughput(opts, { incronSession, progress }) {
  const all = { evh, node: bareNode("spawn"), "node-execa": bareNode("execa"), xargs };
  if (incronSession) all.incron = incron(incronSession);
  const contenders = opts.contenders.filter((c) => all[c]).map((c) => all[c]);
  const runs = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const contender of contenders) {
      const result = await contender.burst(opts);
      runs[contender.name].push(result);
      progress(
        `throughput ${rep}/${opts.reps} ${contender.name}: ${result.perSecond.toFixed(1)} events/s` +
          (result.lost > 0 ? `, ${result.lost} missing` : ""),
      );
    }
  }
  const medians = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [name, medianOf(list, FIELDS)]),
  );
  return { runs, medians };
}
