import { EventDecodeError } from "../errors/evh-error.js";
import { kindOf, quote } from "./describe-value.js";

/**
 * ISO 8601 / RFC 3339: a date, or a date and time with a zone. `T`, `t` or a
 * space between them; seconds and fractions optional; zone `Z` or `±hh:mm`
 * (`±hhmm`, `±hh` too).
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

const EXAMPLE = '"2026-11-28T10:00:00Z"';

/**
 * `occurred_at` as the one ISO form handlers see in `EVH_OCCURRED_AT`
 * (`Date.toISOString()`, UTC, milliseconds), the same form as the mtime
 * default. A time without a zone is refused rather than guessed: the
 * producer's local time is not the agent's.
 */
export function parseOccurredAt(value: unknown): string {
  if (typeof value !== "string") {
    throw new EventDecodeError(
      `"occurred_at" must be an ISO-8601 date-time string like ${EXAMPLE}, got ${kindOf(value)}`,
    );
  }
  const match = ISO_DATE_TIME.exec(value);
  if (!match) {
    throw new EventDecodeError(
      `"occurred_at" ${quote(value)} is not an ISO-8601 date-time like ${EXAMPLE}`,
    );
  }
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (hour !== undefined && zone === undefined) {
    throw new EventDecodeError(
      `"occurred_at" ${quote(value)} has no time zone (add Z or an offset like +01:00)`,
    );
  }
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    ms: Number((fraction ?? "").padEnd(3, "0").slice(0, 3)),
  };
  const offsetMinutes = parseZone(zone);
  if (!isRealDateTime(fields) || offsetMinutes === undefined) {
    throw new EventDecodeError(`"occurred_at" ${quote(value)} is not a real date and time`);
  }
  // Not Date.UTC: it reads years 0..99 as 1900..1999.
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute, fields.second, fields.ms);
  return new Date(date.getTime() - offsetMinutes * 60_000).toISOString();
}

/** Minutes east of UTC, or undefined when out of range. */
function parseZone(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === "Z" || zone === "z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith("-") ? -1 : 1) * (hours * 60 + minutes);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function isRealDateTime(f: DateTimeFields): boolean {
  if (f.month < 1 || f.month > 12 || f.day < 1) return false;
  const leap = f.year % 4 === 0 && (f.year % 100 !== 0 || f.year % 400 === 0);
  const maxDay = f.month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[f.month - 1];
  return f.day <= (maxDay ?? 0) && f.hour <= 23 && f.minute <= 59 && f.second <= 59;
}
