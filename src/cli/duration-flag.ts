import { DURATION_EXPECTED, missingUnitHint, parseDuration } from "../config/duration.js";
import { UsageError } from "../errors/evh-error.js";

/** A duration flag (`--timeout`, `--grace`) in milliseconds; bad usage, with the fix, otherwise. */
export function durationFlagMs(value: string, flag: string): number {
  const ms = parseDuration(value);
  if (ms !== undefined) return ms;
  const hint = missingUnitHint(value);
  throw new UsageError(
    `${flag} must be ${DURATION_EXPECTED}, got ${JSON.stringify(value)}${hint === undefined ? "" : `: ${hint}`}`,
  );
}
