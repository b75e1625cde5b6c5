/**
 * "1 handler", "2 handlers", "0 errors": counts in messages read as English,
 * not as "1 handlers" or "handler(s)". Every noun evh counts takes an -s.
 */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
