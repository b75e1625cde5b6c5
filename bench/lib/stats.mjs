/** Small statistics helpers; inputs are plain arrays of numbers. */

/** The q-quantile (0..1) by linear interpolation between closest ranks; NaN for no data. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

export function max(values) {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b));
}

/** p50 / p99 / max of a sample, the shape every latency figure is reported in. */
export function summarize(values) {
  return {
    count: values.length,
    p50: quantile(values, 0.5),
    p99: quantile(values, 0.99),
    max: max(values),
  };
}

/**
 * The median of each numeric field across repetitions: the machines are
 * shared and noisy, so one run proves little and the median resists outliers.
 */
export function medianOf(runs, fields) {
  const out = {};
  for (const field of fields) {
    const values = runs.map((r) => r[field]).filter((v) => Number.isFinite(v));
    out[field] = median(values);
  }
  return out;
}
