import { GlobSyntaxError } from "../errors/evh-error.js";
/**
 * Globs of `event` and `when` (SPEC §3): `*` any run of characters (including
 * none, `/` and dots), `?` one character, `[...]` a class (`[!...]` or
 * `[^...]` negated, ranges, POSIX classes such as `[[:digit:]]`), `\` takes
 * the next character literally. Case-sensitive, matched against the whole
 * value.
 *
 * Why not picomatch: it is a path matcher. Even with `bash`, `dot` and the
 * no-brace/no-extglob options it keeps `*` from matching `.`/`..` segments
 * (`*` fails on `a/../b` and on the empty value), `?` never matches `/`,
 * `[!a]` is not negated, `(a|b)` is a regex group and a leading `./` is
 * stripped. Params hold arbitrary text (paths, e-mail addresses), so these
 * globs are matched here, with exactly the semantics above and without a
 * backtracking regular expression.
 */

export type GlobMatcher = (value: string) => boolean;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "\\p{L}\\p{N}",
  alpha: "\\p{L}",
  blank: " \\t",
  cntrl: "\\p{Cc}",
  digit: "0-9",
  graph: "\\x21-\\x7e",
  lower: "\\p{Ll}",
  print: "\\x20-\\x7e",
  punct: "\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e",
  space: "\\s",
  upper: "\\p{Lu}",
  word: "\\p{L}\\p{N}_",
  xdigit: "0-9A-Fa-f",
};

/** Whether the pattern has no wildcard, class or escape: it matches only itself. */
export function isLiteral(pattern: string): boolean {
  return !/[*?[\\]/.test(pattern);
}

type Token =
  | { readonly kind: "star" }
  | { readonly kind: "one" }
  | { readonly kind: "char"; readonly char: string }
  | { readonly kind: "class"; readonly test: (char: string) => boolean };

/** Compiles a glob; throws GlobSyntaxError for an empty or malformed one. */
export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === "") throw new GlobSyntaxError("empty pattern");
  if (isLiteral(pattern)) return (value) => value === pattern;
  const tokens = tokenize(pattern);
  return (value) => matchTokens(tokens, [...value]);
}

/**
 * Wildcard matching that backtracks only to the last `*` seen: O(pattern ×
 * value) at worst. A regular expression would backtrack exponentially on
 * `*a*a*a*...b`, and values come from events.
 */
function matchTokens(tokens: readonly Token[], chars: readonly string[]): boolean {
  let t = 0;
  let c = 0;
  let starToken = -1;
  let starChar = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token?.kind === "star") {
      starToken = t++;
      starChar = c;
    } else if (token !== undefined && matchesOne(token, chars[c] as string)) {
      t++;
      c++;
    } else if (starToken >= 0) {
      // Let the last star swallow one more character and retry from there.
      t = starToken + 1;
      c = ++starChar;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === "star") t++;
  return t === tokens.length;
}

function matchesOne(token: Token, char: string): boolean {
  switch (token.kind) {
    case "one":
      return true;
    case "char":
      return token.char === char;
    case "class":
      return token.test(char);
    case "star":
      return false;
  }
}

/** The tokens of a glob; iterating by code point, so `?` and classes see "ö" or "😀" as one character. */
function tokenize(pattern: string): Token[] {
  const chars = [...pattern];
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") {
      tokens.push({ kind: "one" });
    } else if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) throw new GlobSyntaxError("ends with a lone backslash");
      tokens.push({ kind: "char", char: next });
    } else if (c === "[") {
      const cls = parseClass(chars, i);
      const regex = new RegExp(`^${cls.source}$`, "su");
      tokens.push({ kind: "class", test: (char) => regex.test(char) });
      i = cls.end;
    } else {
      tokens.push({ kind: "char", char: c });
    }
  }
  return tokens;
}

/** Parses the class opening at `start`; returns its source and the index of its `]`. */
function parseClass(chars: readonly string[], start: number): { source: string; end: number } {
  let i = start + 1;
  let negated = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negated = true;
    i++;
  }
  const items: string[] = [];
  // A `]` right after the opening (or after the negation) is a member, as in the shell.
  let first = true;
  for (; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "]" && !first) {
      return { source: `[${negated ? "^" : ""}${items.join("")}]`, end: i };
    }
    first = false;
    if (c === "[" && chars[i + 1] === ":") {
      const close = chars.indexOf(":", i + 2);
      const name = close > 0 && chars[close + 1] === "]" ? chars.slice(i + 2, close).join("") : "";
      const members = POSIX_CLASSES[name];
      if (members === undefined) {
        throw new GlobSyntaxError(`unknown character class "[:${name || "..."}:]"`);
      }
      items.push(members);
      i = close + 1;
      continue;
    }
    let low = c;
    if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) throw new GlobSyntaxError("ends with a lone backslash");
      low = next;
    }
    if (chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]") {
      let high = chars[i + 2] as string;
      i += 2;
      if (high === "\\") {
        const next = chars[++i];
        if (next === undefined) throw new GlobSyntaxError("ends with a lone backslash");
        high = next;
      }
      if ((low.codePointAt(0) ?? 0) > (high.codePointAt(0) ?? 0)) {
        throw new GlobSyntaxError(`reversed range "${low}-${high}" in [...]`);
      }
      items.push(`${escapeClassChar(low)}-${escapeClassChar(high)}`);
    } else {
      items.push(escapeClassChar(low));
    }
  }
  throw new GlobSyntaxError(`"[" at position ${start + 1} is never closed by "]"`);
}

function escapeClassChar(char: string): string {
  return /[\\\]^[-]/.test(char) ? `\\${char}` : char;
}
