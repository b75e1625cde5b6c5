import { EventDecodeError } from "../errors/evh-error.js";
import { kindOf, quote } from "./describe-value.js";

/**
 * The entries of a decoded map, keys as strings, or undefined when `value` is
 * not a map. JSON gives plain objects (string keys, `__proto__` an own
 * property); YAML gives `Map`s whose keys may be numbers, booleans or null,
 * which become their `String()` text like values do. A list or map as a key
 * is an error, and so are two keys that read the same once stringified
 * (`1` and `"1"`).
 */
export function mapEntries(value: unknown, where: string): [string, unknown][] | undefined {
  if (value instanceof Map) return mapToEntries(value, where);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.keys(value).map((key) => [key, (value as Record<string, unknown>)[key]]);
}

function mapToEntries(map: Map<unknown, unknown>, where: string): [string, unknown][] {
  const seen = new Set<string>();
  const entries: [string, unknown][] = [];
  for (const [rawKey, value] of map) {
    if (typeof rawKey === "object" && rawKey !== null) {
      throw new EventDecodeError(`a key in ${where} is ${kindOf(rawKey)}; keys must be names`);
    }
    const key = String(rawKey);
    if (seen.has(key)) throw new EventDecodeError(`duplicate key ${quote(key)} in ${where}`);
    seen.add(key);
    entries.push([key, value]);
  }
  return entries;
}
