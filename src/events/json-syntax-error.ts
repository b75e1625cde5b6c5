import { codePointName } from "./describe-value.js";

/** Where a JSON text first goes wrong, and what is wrong there. */
export interface JsonSyntaxError {
  /** UTF-16 offset into the text. */
  readonly offset: number;
  readonly message: string;
}

type Expect = "value" | "value-or-]" | "key" | "key-or-}" | "colon" | "comma-or-close" | "end";

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERAL = /true|false|null/y;
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*/y;

/**
 * Finds the first syntax error of RFC 8259 JSON. Only called after
 * `JSON.parse` failed: V8's own messages differ between Node versions and
 * sometimes carry no position, and a reason pinned in tests and shown to
 * admins should say where and what, the same everywhere. Iterative with an
 * explicit stack, so no nesting depth can overflow it.
 */
export function locateJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: ("[" | "{")[] = [];
  let expect: Expect = "value";
  let pos = 0;
  const fail = (message: string, at = pos): JsonSyntaxError => ({ offset: at, message });
  const afterValue = (): Expect => (stack.length > 0 ? "comma-or-close" : "end");

  for (;;) {
    pos = skipWhitespace(text, pos);
    if (pos >= text.length) return expect === "end" ? undefined : fail("unexpected end of input");
    const c = text[pos] as string;
    switch (expect) {
      case "end":
        return fail(`unexpected ${describeChar(text, pos)} after the JSON value`);
      case "value-or-]":
      case "value":
        if (c === "]" && expect === "value-or-]") {
          stack.pop();
          pos++;
          expect = afterValue();
        } else if (c === "{" || c === "[") {
          stack.push(c);
          pos++;
          expect = c === "{" ? "key-or-}" : "value-or-]";
        } else {
          const problem = scanScalar(text, pos);
          if (typeof problem !== "number") return problem;
          pos = problem;
          expect = afterValue();
        }
        break;
      case "key-or-}":
      case "key":
        if (c === "}" && expect === "key-or-}") {
          stack.pop();
          pos++;
          expect = afterValue();
        } else if (c === '"') {
          const end = scanString(text, pos);
          if (typeof end !== "number") return end;
          pos = end;
          expect = "colon";
        } else {
          return fail(
            `expected a property name in double quotes, found ${describeChar(text, pos)}`,
          );
        }
        break;
      case "colon":
        if (c !== ":")
          return fail(`expected ":" after the property name, found ${describeChar(text, pos)}`);
        pos++;
        expect = "value";
        break;
      case "comma-or-close": {
        const open = stack[stack.length - 1];
        const close = open === "[" ? "]" : "}";
        if (c === ",") {
          pos++;
          expect = open === "[" ? "value" : "key";
        } else if (c === close) {
          stack.pop();
          pos++;
          expect = afterValue();
        } else {
          const after = open === "[" ? "a list item" : "a property value";
          return fail(
            `expected "," or "${close}" after ${after}, found ${describeChar(text, pos)}`,
          );
        }
        break;
      }
      default:
        return assertNever(expect);
    }
  }
}

/** A string, number or literal at `pos`: the offset after it, or the error. */
function scanScalar(text: string, pos: number): number | JsonSyntaxError {
  const c = text[pos] as string;
  if (c === '"') return scanString(text, pos);
  if (c === "-" || (c >= "0" && c <= "9")) {
    const end = matchAt(NUMBER, text, pos);
    if (end === undefined || /[0-9.eE+-]/.test(text[end] ?? "")) {
      return { offset: pos, message: "invalid number" };
    }
    return end;
  }
  const literalEnd = matchAt(LITERAL, text, pos);
  const wordEnd = matchAt(WORD, text, pos);
  if (literalEnd !== undefined && literalEnd === wordEnd) return literalEnd;
  if (wordEnd !== undefined) {
    const word = text.slice(pos, wordEnd);
    return { offset: pos, message: `unexpected word "${word}" (strings need double quotes)` };
  }
  return { offset: pos, message: `unexpected ${describeChar(text, pos)}, expected a value` };
}

/** A double-quoted string starting at `pos`: the offset after its closing quote, or the error. */
function scanString(text: string, pos: number): number | JsonSyntaxError {
  for (let i = pos + 1; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') return i + 1;
    if (c === "\\") {
      const escaped = text[i + 1];
      if (escaped === undefined) break;
      if (escaped === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          return { offset: i, message: "invalid \\u escape in a string (needs 4 hex digits)" };
        }
        i += 5;
      } else if ('"\\/bfnrt'.includes(escaped)) {
        i++;
      } else {
        return {
          offset: i,
          message: `invalid escape ${JSON.stringify(`\\${escaped}`)} in a string`,
        };
      }
    } else if (c < " ") {
      return { offset: i, message: `unescaped control character ${codePointName(c)} in a string` };
    }
  }
  return { offset: pos, message: "unterminated string" };
}

function skipWhitespace(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  return i;
}

function matchAt(pattern: RegExp, text: string, pos: number): number | undefined {
  pattern.lastIndex = pos;
  return pattern.exec(text) ? pattern.lastIndex : undefined;
}

/** `"x"` for a printable character, `U+0000` for others. */
function describeChar(text: string, pos: number): string {
  const char = String.fromCodePoint(text.codePointAt(pos) ?? 0);
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char) ? JSON.stringify(char) : codePointName(char);
}

function assertNever(value: never): never {
  throw new Error(`unexpected state ${String(value)}`);
}
