// Types of bench/lib/charts.mjs, for the vitest test in test/bench/.

/** A chart's SVG text, or why it was not drawn. */
export type Chart =
  | { readonly svg: string; readonly skipped?: undefined }
  | { readonly skipped: string };

/** The parts of a results JSON the charts read; see bench/run.mjs for the whole. */
export interface ChartResults {
  readonly options: {
    readonly n: number;
    readonly reps: number;
    readonly concurrency: number;
    readonly latencyN: number;
    readonly latencyGapMs: number;
  };
  readonly throughput?: {
    readonly concurrencies?: readonly number[];
    readonly unlimited?: readonly string[];
    readonly medians: Readonly<Record<string, { readonly perSecond: number }>>;
    readonly byConcurrency?: Readonly<
      Record<string, { readonly medians: Readonly<Record<string, { readonly perSecond: number }>> }>
    >;
  };
  readonly latency?: {
    readonly runs: Readonly<
      Record<string, readonly { readonly latenciesMs?: readonly number[] }[]>
    >;
  };
}

export function throughputChart(results: ChartResults): Chart;
export function latencyCdfChart(results: ChartResults): Chart;
export function writeCharts(
  results: ChartResults,
  base: string,
  say: (line: string) => void,
): string[];
