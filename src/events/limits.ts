/**
 * Bounds on what one event file may hold (SPEC §2). They keep a hostile or
 * broken producer from making the agent burn memory or time on one file.
 */

/** Params per event. */
export const MAX_PARAMS = 1000;
/** Bytes of one param value, counted in UTF-8 as it will reach the handler. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** Characters of a param name: env names that long are always a mistake. */
export const MAX_PARAM_NAME_LENGTH = 256;
/** Characters of `id` and `key`: they end up in the journal and in log lines. */
export const MAX_ID_LENGTH = 256;
/** Alias expansions in a YAML event file (billion-laughs bound, yaml's `maxAliasCount`). */
export const MAX_YAML_ALIASES = 100;
/**
 * Nesting of YAML collections. A valid event needs two levels (the top map and
 * `params`); the bound only has to stop pathological input before the yaml
 * parser spends hundreds of MB on it.
 */
export const MAX_YAML_DEPTH = 32;
/**
 * Scalars in a YAML event file: a valid event has at most 5 top-level keys
 * and 1,000 params, each a key and a value. The bound stops the parse of a
 * document that cannot be an event before it starts: yaml checks duplicate
 * keys pair by pair, so 100k keys in a 1 MiB file would block the agent for
 * minutes.
 */
export const MAX_YAML_SCALARS = 2 * (MAX_PARAMS + 5);
/**
 * Syntax tokens (scalars, indicators, brackets, commas, anchors, aliases) in
 * a YAML event file. The largest event in flow style needs about four per
 * param; the bound stops a megabyte of `]` or `,` before the parser spends
 * 25 s and a gigabyte on its errors.
 */
export const MAX_YAML_TOKENS = 4 * MAX_YAML_SCALARS;

/** `2202009` → `2.1 MiB`; whole units lose the `.0`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] =
    bytes < 1024 * 1024 ? [bytes / 1024, "KiB"] : [bytes / (1024 * 1024), "MiB"];
  return `${Number(value.toFixed(1))} ${unit}`;
}

/**
 * `"file is 2.1 MiB, over the 1 MiB limit"`. When rounding would make both
 * sides read the same (1 MiB + 1 byte), exact byte counts are shown instead.
 */
export function describeOverLimit(subject: string, bytes: number, limit: number): string {
  const [size, max] = [formatBytes(bytes), formatBytes(limit)];
  if (size !== max) return `${subject} is ${size}, over the ${max} limit`;
  return `${subject} is ${bytes} bytes, over the ${limit}-byte limit`;
}
