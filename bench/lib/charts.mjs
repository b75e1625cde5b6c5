import { writeFileSync } from "node:fs";
import { cdfPoints, lineChart } from "./svg-chart.mjs";

/**
 * The two charts of a run, drawn from its results (those just measured, or
 * a results JSON read back by bench/charts.mjs). Each returns `{ svg }`, or
 * `{ skipped: reason }` when its section was not run.
 */

/** The latency chart's contenders: evh, the "no guarantees" baseline and the Node floor. */
const LATENCY_CONTENDERS = ["evh", "incron", "node fs.watch"];

/** One colour and dash per contender, the same in both charts (the Node floor too). */
const STYLE = { evh: 0, node: 1, "node fs.watch": 1, "node execa": 2, incron: 3, "xargs -P": 4 };

/** A log axis once the figures span this factor: below it, a linear one reads more easily. */
const LOG_FROM = 20;

export function throughputChart(results) {
  const tp = results.throughput;
  if (!tp) return { skipped: "the throughput section was not run" };
  const o = results.options;
  // Results from before the sweep have one level and no byConcurrency.
  const levels = [...(tp.concurrencies ?? [o.concurrency])].sort((a, b) => a - b);
  const byConcurrency = tp.byConcurrency ?? { [levels[0]]: { medians: tp.medians } };
  const unlimited = tp.unlimited ?? [];
  const names = [...new Set(levels.flatMap((c) => Object.keys(byConcurrency[c].medians)))];
  const series = names.map((name) => ({
    label: unlimited.includes(name) ? `${name} (no limit)` : name,
    style: STYLE[name],
    points: levels.map((c) => [c, byConcurrency[c].medians[name]?.perSecond]),
  }));
  const flat =
    unlimited.length > 0
      ? `; ${unlimited.join(", ")}: no concurrency limit, one run, drawn flat`
      : "";
  return {
    svg: lineChart({
      title: `Throughput: ${o.n.toLocaleString("en-US")} events at once`,
      subtitle: `${o.reps === 1 ? "one run" : `medians of ${o.reps} runs`}${flat}`,
      xLabel: "concurrency",
      yLabel: "events/s (first drop → last handler start)",
      series,
      x: { ticks: levels, log: levels.at(-1) / levels[0] >= 4 },
      y: { includeZero: true },
    }),
  };
}

export function latencyCdfChart(results) {
  const runs = results.latency?.runs;
  if (!runs) return { skipped: "the latency section was not run" };
  const o = results.options;
  // Every repetition's samples pooled: the CDF of what one event sees, whichever run it was in.
  const pooled = LATENCY_CONTENDERS.filter((name) => runs[name]).map((name) => ({
    name,
    values: runs[name].flatMap((run) => run.latenciesMs ?? []),
  }));
  const withSamples = pooled.filter((p) => p.values.length > 0);
  if (withSamples.length === 0) {
    return {
      skipped: "the results hold no per-event latencies (a run from before they were kept)",
    };
  }
  const all = withSamples.flatMap((p) => p.values).filter((v) => v > 0);
  const log = Math.max(...all) / Math.min(...all) >= LOG_FROM;
  return {
    svg: lineChart({
      title: `Latency from drop to handler start: ${o.latencyN} events ${o.latencyGapMs} ms apart`,
      subtitle:
        `every sample of ${o.reps === 1 ? "one run" : `${o.reps} runs pooled`} per contender (` +
        withSamples.map((p) => `${p.name} ${p.values.length}`).join(", ") +
        `)${log ? "; log scale" : ""}`,
      xLabel: "latency, ms",
      yLabel: "fraction of events started",
      series: withSamples.map((p) => ({
        label: p.name,
        style: STYLE[p.name],
        points: cdfPoints(p.values),
        step: true,
      })),
      x: { log },
      y: { domain: [0, 1] },
    }),
  };
}

/**
 * Writes `<base>-throughput.svg` and `<base>-latency-cdf.svg`; a chart
 * whose section is missing is skipped, saying so. Returns the files written.
 */
export function writeCharts(results, base, say) {
  const written = [];
  for (const [suffix, draw] of [
    ["throughput", throughputChart],
    ["latency-cdf", latencyCdfChart],
  ]) {
    const chart = draw(results);
    if (chart.skipped) {
      say(`${suffix} chart skipped: ${chart.skipped}`);
      continue;
    }
    const file = `${base}-${suffix}.svg`;
    writeFileSync(file, chart.svg);
    written.push(file);
  }
  return written;
}
