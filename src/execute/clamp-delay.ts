/** The longest delay setTimeout honours (2^31-1 ms, about 24.8 days). */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * A delay setTimeout can take. Past the limit Node fires after 1 ms instead
 * (with a TimeoutOverflowWarning): a `timeout: 30d` would kill at once and a
 * long exponential backoff would vanish.
 */
export function clampDelay(ms: number): number {
  return Math.min(Math.max(0, ms), MAX_DELAY_MS);
}
