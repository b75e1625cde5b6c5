/**
 * Durations in handler files, evh.yaml and `--timeout`: a number with a unit,
 * ms, s, m or h ("500ms", "30s", "1.5m"). A bare number is refused, except 0
 * (none): systemd reads seconds, HAProxy milliseconds, and a timeout a
 * thousand times too short or too long is worse than an error (SPEC §3).
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const BARE_NUMBER = /^\d+(?:\.\d+)?$/;

/** What a duration value must look like, for messages. */
export const DURATION_EXPECTED = "a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none";

/** Milliseconds for a duration value, or undefined when it is not one. */
export function parseDuration(value: unknown): number | undefined {
  if (value === 0 || value === "0") return 0;
  if (typeof value !== "string") return undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/**
 * The fix for a bare number such as `30`: "add a unit: 30s or 30ms";
 * undefined for anything else.
 */
export function missingUnitHint(value: unknown): string | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string" || !BARE_NUMBER.test(text.trim())) return undefined;
  return `add a unit: ${text.trim()}s or ${text.trim()}ms`;
}

/** Short human form of milliseconds, for messages: 1500 → "1.5s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  return `${+(ms / 3_600_000).toFixed(1)}h`;
}
