/**
 * Wall-clock time in ms with sub-microsecond resolution, comparable with the
 * handler's `date +%s%N` (both CLOCK_REALTIME). Date.now() has only 1 ms
 * resolution, too coarse for a 5 ms latency target.
 */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
