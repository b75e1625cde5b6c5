/**
 * Plesk's Windows-style placeholders (SPEC §3): `<` + letters, digits and `_`
 * + `>`, case-insensitive, substituted inside argv items after the command has
 * been split into words. Any other `<` is literal.
 */
const PLACEHOLDER = /<([A-Za-z0-9_]+)>/g;

/** The upper-cased names of the placeholders in one argv item. */
export function findPlaceholders(item: string): string[] {
  // Most items have none; this runs for every argv item of every handler at each load.
  if (!item.includes("<")) return [];
  return [...item.matchAll(PLACEHOLDER)].map((m) => (m[1] as string).toUpperCase());
}

/**
 * Replaces each placeholder by its value (names looked up upper-cased); a
 * name without a value becomes the empty string. The value is inserted as
 * data: the result stays one argv item whatever the value holds.
 */
export function substitutePlaceholders(
  item: string,
  values: Readonly<Record<string, string>>,
): string {
  return item.replace(PLACEHOLDER, (_, name: string) => values[name.toUpperCase()] ?? "");
}

/** Placeholder-shaped words that must not appear with `shell: true` (SPEC §3). */
export function isParamPlaceholder(name: string): boolean {
  return /^(OLD|NEW|EVH)_/.test(name.toUpperCase());
}
