/** Longest user-supplied text quoted in a reason; reasons are one line for people. */
const MAX_QUOTED = 60;

/**
 * User text for an error reason: JSON-quoted, so newlines, NULs and control
 * characters show as escapes and the reason stays one line, and shortened.
 */
export function quote(text: string): string {
  const chars = [...text];
  const shown = chars.length > MAX_QUOTED ? `${chars.slice(0, MAX_QUOTED).join("")}…` : text;
  return JSON.stringify(shown);
}

/** What a decoded value is, in words: `a list`, `a map`, `null`, `a number`, ... */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "object":
      return "a map";
    case "string":
      return "a string";
    case "number":
    case "bigint":
      return "a number";
    case "boolean":
      return "a boolean";
    default:
      return typeof value;
  }
}

/** A map as parsed from JSON or YAML: an object that is not a list. */
export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `U+000A`: how a character that cannot be printed is named in a reason. */
export function codePointName(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** The first C0 control character or DEL in `text`, if any. */
export function findControlChar(text: string): string | undefined {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return char;
  }
  return undefined;
}
