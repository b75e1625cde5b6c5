import { encodeText } from "./charset.js";

/**
 * The `EVH_PARAMS_FILE` content: one `NAME=value` line per param, in the
 * event's order, each ending in `\n`, encoded in the handler's `encoding`.
 *
 * Values are written as they are except for three escapes, so that every
 * param is exactly one line and the file can be read back without ambiguity:
 * `\` becomes `\\`, a newline (LF) becomes `\n`, a carriage return becomes
 * `\r`. A backslash in the file is therefore always followed by `\`, `n` or
 * `r`; `printf '%b' "$value"` in sh undoes the escaping. Names need none
 * (`^[A-Z][A-Z0-9_]*$`). Characters the encoding cannot represent become `?`
 * (iconv-lite's substitute), as they would in any other output in that
 * charset.
 */
export function formatParamsFile(
  params: Readonly<Record<string, string>>,
  encoding: string,
): Buffer {
  const text = Object.entries(params)
    .map(([name, value]) => `${name}=${escapeValue(value)}\n`)
    .join("");
  return encodeText(text, encoding);
}

function escapeValue(value: string): string {
  return value.replace(/[\\\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : "\\r"));
}
