/**
 * One axis of a chart: its domain, its ticks, and the map from a value to a
 * pixel. Linear or log10; a log axis suits figures that span decades, such
 * as latencies whose tail is a hundred times their median.
 */

/** Tick steps a reader can add in their head: 1, 2, 2.5 or 5 times a power of ten. */
const NICE = [1, 2, 2.5, 5, 10];

function niceStep(span, count) {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return magnitude * NICE.find((s) => s * magnitude >= raw * (1 - 1e-9));
}

/** 0.30000000000000004 → 0.3: ticks are sums of steps, and labels must not show the float noise. */
const tidy = (value) => Number(value.toPrecision(12));

export function formatTick(value) {
  return Math.abs(value) >= 10_000 ? tidy(value).toLocaleString("en-US") : String(tidy(value));
}

/**
 * `values`: the data on this axis. Options: `domain` fixes [lo, hi];
 * `ticks` fixes the tick values (e.g. the concurrencies measured);
 * `includeZero` starts the axis at 0 (throughput: no exaggerated gaps);
 * `log` for a log10 axis (values ≤ 0 are left out of its domain).
 */
export function makeAxis(values, { domain, ticks, includeZero = false, log = false } = {}) {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  return log ? logAxis(finite, domain, ticks) : linearAxis(finite, domain, ticks, includeZero);
}

function linearAxis(values, domain, ticks, includeZero) {
  const data = [...values, ...(ticks ?? []), ...(includeZero ? [0] : [])];
  let [lo, hi] = domain ?? (data.length > 0 ? [Math.min(...data), Math.max(...data)] : [0, 1]);
  if (lo === hi) {
    // One value: centre it. An axis from 0 keeps its 0.
    const pad = Math.abs(lo) / 2 || 1;
    hi += pad;
    lo = includeZero && lo === 0 ? 0 : lo - pad;
  }
  let tickValues = ticks;
  if (!tickValues) {
    const step = niceStep(hi - lo, 5);
    if (!domain) {
      lo = Math.floor(tidy(lo / step)) * step;
      hi = Math.ceil(tidy(hi / step)) * step;
    }
    tickValues = [];
    for (let v = Math.ceil(tidy(lo / step)) * step; v <= hi * (1 + 1e-9) + 1e-12; v += step) {
      tickValues.push(tidy(v));
    }
  }
  return {
    log: false,
    lo,
    hi,
    ticks: tickValues.map((value) => ({ value, label: formatTick(value), major: true })),
  };
}

function logAxis(values, domain, ticks) {
  const data = [...values, ...(ticks ?? [])];
  let [lo, hi] = domain ?? (data.length > 0 ? [Math.min(...data), Math.max(...data)] : [1, 10]);
  if (!ticks) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
  }
  if (lo === hi) {
    lo /= 2;
    hi *= 2;
  }
  if (ticks) {
    return {
      log: true,
      lo,
      hi,
      ticks: ticks.map((value) => ({ value, label: formatTick(value), major: true })),
    };
  }
  // 1, 2, 5 in each decade; over more than 3 decades only the powers of ten are labelled.
  const decades = Math.round(Math.log10(hi / lo));
  const out = [];
  for (let d = 0; d <= decades; d++) {
    const power = tidy(lo * 10 ** d);
    for (const m of d === decades ? [1] : [1, 2, 5]) {
      const major = m === 1 || decades <= 3;
      out.push({ value: tidy(power * m), label: major ? formatTick(power * m) : "", major });
    }
  }
  return { log: true, lo, hi, ticks: out };
}

/** The pixel of `value` between `from` (at lo) and `to` (at hi); out-of-domain values are clamped. */
export function project(axis, value, from, to) {
  const f = axis.log ? Math.log10 : (v) => v;
  const v = Math.min(Math.max(value, axis.lo), axis.hi);
  const t = (f(v) - f(axis.lo)) / (f(axis.hi) - f(axis.lo));
  return from + t * (to - from);
}
