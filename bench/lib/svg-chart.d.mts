// Types of bench/lib/svg-chart.mjs, for its vitest test in test/bench/.

export type Point = readonly [number, number];

export interface Series {
  readonly label: string;
  readonly points: readonly Point[];
  /** A staircase (an empirical CDF) instead of straight segments with markers. */
  readonly step?: boolean;
  /** Index of the colour and dash pattern; the series' index by default. */
  readonly style?: number;
}

export interface AxisOptions {
  readonly domain?: readonly [number, number];
  readonly ticks?: readonly number[];
  readonly includeZero?: boolean;
  readonly log?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly x?: AxisOptions;
  readonly y?: AxisOptions;
  readonly width?: number;
  readonly height?: number;
}

export const COLOURS: readonly string[];
export const DASHES: readonly string[];
export function lineChart(chart: LineChart): string;
export function cdfPoints(values: readonly number[]): Point[];
