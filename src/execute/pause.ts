import { clampDelay } from "./clamp-delay.js";

/**
 * Waits `ms`; false if a signal aborted first. The timer is cleared on
 * abort, so it keeps nothing alive. Timers run on the monotonic clock: a
 * wall-clock jump neither shortens nor stretches a pause.
 */
export function pause(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<boolean> {
  const watched = signals.filter((s) => s !== undefined);
  return new Promise((resolve) => {
    if (watched.some((s) => s.aborted)) return resolve(false);
    const settle = (value: boolean) => {
      clearTimeout(timer);
      for (const s of watched) s.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const onAbort = () => settle(false);
    const timer = setTimeout(() => settle(true), clampDelay(ms));
    for (const s of watched) s.addEventListener("abort", onAbort, { once: true });
  });
}
