import { describe, expect, it } from "vitest";
import { type Chart, latencyCdfChart, throughputChart } from "../../bench/lib/charts.mjs";
import { cdfPoints, lineChart } from "../../bench/lib/svg-chart.mjs";

/*
 * The benchmark's hand-written SVG: well-formed, one path per series, and
 * values mapped the right way round. Pixel positions are read back from
 * the SVG text itself, as a viewer would place them.
 */

/** Checks that every tag closes in order and text holds no stray markup; returns the root's name. */
function expectWellFormed(svg: string): string {
  const stack: string[] = [];
  let root = "";
  let rest = svg.trim();
  const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/;
  while (rest.length > 0) {
    if (rest.startsWith("<")) {
      const m = tag.exec(rest);
      if (!m) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
      const [whole, closing, name, , selfClosing] = m;
      if (closing) {
        expect(stack.pop(), `closing </${name}>`).toBe(name);
      } else {
        if (stack.length === 0) {
          expect(root, "a single root element").toBe("");
          root = name!;
        }
        if (!selfClosing) stack.push(name!);
      }
      rest = rest.slice(whole.length);
    } else {
      const end = rest.indexOf("<");
      const text = end === -1 ? rest : rest.slice(0, end);
      expect(stack.length, `text outside the root: ${text.slice(0, 40)}`).toBeGreaterThan(0);
      // An & must start an entity; a > in text is legal XML but never written here.
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)|>/);
      rest = end === -1 ? "" : rest.slice(end);
    }
  }
  expect(stack).toEqual([]);
  return root;
}

/** The `<path class="series">` elements: their label and the points of their `d`. */
function seriesPaths(svg: string): { label: string; points: [number, number][] }[] {
  return [...svg.matchAll(/<path class="series" data-label="([^"]*)" d="([^"]*)"/g)].map((m) => {
    const points: [number, number][] = [];
    let x = Number.NaN;
    let y = Number.NaN;
    for (const [, op, a, b] of m[2]!.matchAll(/([MLHV])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
      if (op === "M" || op === "L") [x, y] = [Number(a), Number(b)];
      else if (op === "H") x = Number(a);
      else y = Number(a);
      if (op !== "H") points.push([x, y]);
    }
    return { label: m[1]!, points };
  });
}

/** The pixel row of the y tick labelled `label` (each tick is one line of the SVG). */
function yTick(svg: string, label: string): number {
  for (const m of svg.matchAll(
    /<g class="y-tick" transform="translate\(0 ([\d.]+)\)">.*>([^<]*)<\/text><\/g>/g,
  )) {
    if (m[2] === label) return Number(m[1]);
  }
  throw new Error(`no y tick labelled ${label}`);
}

const throughputSvg = lineChart({
  title: "Throughput <&> test",
  xLabel: "concurrency",
  yLabel: "events/s",
  series: [
    {
      label: "evh",
      points: [
        [1, 50],
        [2, 90],
        [4, 160],
      ],
    },
    {
      label: "node & co",
      points: [
        [1, 120],
        [2, 230],
        [4, 310],
      ],
    },
    {
      label: "incron (no limit)",
      points: [
        [1, 200],
        [2, 200],
        [4, 200],
      ],
    },
  ],
  x: { ticks: [1, 2, 4], log: true },
  y: { includeZero: true },
});

describe("lineChart", () => {
  it("writes well-formed SVG with an explicit size and a white background", () => {
    expect(expectWellFormed(throughputSvg)).toBe("svg");
    expect(throughputSvg).toMatch(/<svg [^>]*width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    expect(throughputSvg).toMatch(/<rect x="0" y="0" [^>]*fill="#fff"\/>/);
    expect(throughputSvg).toContain("Throughput &lt;&amp;&gt; test");
  });

  it("draws one path per series and names each in the legend", () => {
    const paths = seriesPaths(throughputSvg);
    expect(paths.map((p) => p.label)).toEqual(["evh", "node &amp; co", "incron (no limit)"]);
    const legend = /<g class="legend"[^>]*>([\s\S]*?)<\/g>/.exec(throughputSvg)?.[1] ?? "";
    for (const label of ["evh", "node &amp; co", "incron (no limit)"]) {
      expect(legend).toContain(`>${label}</text>`);
    }
  });

  it("gives every series its own colour and dash pattern", () => {
    const strokes = [...throughputSvg.matchAll(/<path class="series"[^>]*?( stroke=[^/]*)\/>/g)];
    expect(new Set(strokes.map((m) => m[1])).size).toBe(3);
  });

  it("maps a higher value higher up and a larger x further right", () => {
    for (const { points } of seriesPaths(throughputSvg).slice(0, 2)) {
      const xs = points.map(([x]) => x);
      const ys = points.map(([, y]) => y);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      expect(ys).toEqual([...ys].sort((a, b) => b - a)); // rising values: falling pixel rows
      expect(new Set(ys).size).toBe(ys.length);
    }
    const incron = seriesPaths(throughputSvg)[2]!.points;
    expect(new Set(incron.map(([, y]) => y)).size).toBe(1); // the same figure: a flat line
    expect(yTick(throughputSvg, "0")).toBeGreaterThan(yTick(throughputSvg, "300"));
  });

  it("draws a CDF as a staircase from 0 that ends at 1", () => {
    const samples = [3.2, 1.1, 7.5, 2.4, 40, 5.5, 2.4];
    const points = cdfPoints(samples);
    expect(points[0]).toEqual([1.1, 0]);
    expect(points.at(-1)).toEqual([40, 1]);
    const svg = lineChart({
      title: "latency",
      xLabel: "ms",
      yLabel: "fraction",
      series: [{ label: "evh", points, step: true }],
      x: { log: true },
      y: { domain: [0, 1] },
    });
    expectWellFormed(svg);
    const [cdf] = seriesPaths(svg);
    const ys = cdf!.points.map(([, y]) => y);
    expect(ys).toEqual([...ys].sort((a, b) => b - a)); // never falls back
    expect(ys[0]).toBe(yTick(svg, "0"));
    expect(ys.at(-1)).toBe(yTick(svg, "1"));
  });
});

function svgOf(chart: Chart): string {
  if (chart.skipped !== undefined) throw new Error(chart.skipped);
  return chart.svg;
}

describe("the run's charts", () => {
  const options = { n: 100, reps: 2, concurrency: 2, latencyN: 3, latencyGapMs: 20 };

  it("draws incron flat at every concurrency of a sweep", () => {
    const level = (evh: number) => ({
      medians: { evh: { perSecond: evh }, incron: { perSecond: 200 } },
    });
    const chart = throughputChart({
      options,
      throughput: {
        concurrencies: [2, 1, 4],
        unlimited: ["incron"],
        medians: level(90).medians,
        byConcurrency: { 1: level(50), 2: level(90), 4: level(160) },
      },
    });
    const svg = svgOf(chart);
    expectWellFormed(svg);
    const [evh, incron] = seriesPaths(svg);
    expect(evh!.points).toHaveLength(3);
    expect(incron!.label).toBe("incron (no limit)");
    expect(new Set(incron!.points.map(([, y]) => y)).size).toBe(1);
  });

  it("pools the latency samples of every run, and skips what was not measured", () => {
    const chart = latencyCdfChart({
      options,
      latency: {
        runs: {
          evh: [{ latenciesMs: [5, 6, 7] }, { latenciesMs: [4, 8] }],
          "node fs.watch": [{ latenciesMs: [3, 4, 5] }],
        },
      },
    });
    const svg = svgOf(chart);
    expect(svg).toContain("evh 5, node fs.watch 3");
    expect(seriesPaths(svg).map((p) => p.label)).toEqual(["evh", "node fs.watch"]);
    expect(throughputChart({ options }).skipped).toMatch(/not run/);
    expect(latencyCdfChart({ options, latency: { runs: { evh: [{}] } } }).skipped).toMatch(
      /no per-event latencies/,
    );
  });
});
