import { agentTable } from "./report-agent.mjs";
import { num, table } from "./table.mjs";

/**
 * The throughput section of the report: every figure at the first
 * concurrency, then, for a sweep, events/s per contender × concurrency and
 * evh's own cost at each level. Results from before the sweep (no
 * `byConcurrency`) render as a one-level sweep.
 */
export function renderThroughput(tp, options) {
  const levels = tp.concurrencies ?? [options.concurrency];
  const byConcurrency = tp.byConcurrency ?? { [levels[0]]: { medians: tp.medians } };
  const evh = tp.medians.evh?.perSecond;
  const blocks = [
    `At concurrency ${levels[0]}:`,
    table(Object.entries(tp.medians), [
      ["contender", ([name]) => name],
      ["events/s", ([, r]) => num(r.perSecond)],
      ["seconds", ([, r]) => num(r.seconds, 2)],
      ["first start ms", ([, r]) => num(r.firstStartMs)],
      ["peak RSS MiB", ([, r]) => num(r.peakRssMiB, 0)],
      ["CPU ms/event", ([, r]) => num(r.cpuMsPerEvent, 2)],
      ["faults/event", ([, r]) => num(r.faultsPerEvent, 0)],
      ["missing", ([, r]) => num(r.lost, 0)],
      ["evh ÷ this", ([, r]) => `${num(evh / r.perSecond, 2)}×`],
    ]),
  ];
  const sorted = [...levels].sort((a, b) => a - b);
  if (levels.length > 1) {
    const names = [...new Set(sorted.flatMap((c) => Object.keys(byConcurrency[c].medians)))];
    blocks.push(
      "",
      "events/s by concurrency:",
      table(names, [
        ["contender", (name) => name],
        ...sorted.map((c) => [String(c), (name) => num(byConcurrency[c].medians[name]?.perSecond)]),
      ]),
    );
    const unlimited = tp.unlimited ?? [];
    if (unlimited.length > 0) {
      blocks.push(
        `(${unlimited.join(", ")}: no concurrency limit, run once; the same figure at every concurrency)`,
      );
    }
  }
  const evhLevels = sorted.filter((c) => byConcurrency[c].medians.evh);
  if (evhLevels.length > 0) {
    blocks.push(
      "",
      "evh's agent and launchers:",
      agentTable(
        evhLevels.map((c) => ({ concurrency: c, ...byConcurrency[c].medians.evh })),
        [["concurrency", (r) => r.concurrency]],
      ),
    );
  }
  return blocks.join("\n");
}
