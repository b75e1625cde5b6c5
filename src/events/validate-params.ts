import { EventDecodeError } from "../errors/evh-error.js";
import { kindOf, quote } from "./describe-value.js";
import { PARAM_NAME_PATTERN } from "./event.js";
import { describeOverLimit, MAX_PARAM_NAME_LENGTH, MAX_PARAMS, MAX_VALUE_BYTES } from "./limits.js";
import { mapEntries } from "./map-entries.js";
import { firstLoneSurrogate } from "./unicode-scan.js";

/**
 * Prefix of the variables evh sets itself (`EVH_EVENT`, ...): a param may not
 * fake them. No other name is refused: only `OLD_*`/`NEW_*` params become
 * environment variables (execute/build-env.ts), so a name such as
 * `LD_PRELOAD` or `PATH` is plain data for placeholders and the params file.
 */
const RESERVED_PREFIX = "EVH_";

/**
 * `params` as handlers get them (SPEC §2): a flat map of names to strings,
 * numbers and booleans turned into their `String()` text. The result has a
 * null prototype, so no name (not even `__proto__`, which fails the name
 * pattern anyway) can reach `Object.prototype`.
 */
export function validateParams(value: unknown): Record<string, string> {
  const entries = mapEntries(value, "params");
  if (!entries) {
    throw new EventDecodeError(`"params" must be a map of NAME: value, got ${kindOf(value)}`);
  }
  if (entries.length > MAX_PARAMS) {
    throw new EventDecodeError(`too many params (${entries.length}); the limit is ${MAX_PARAMS}`);
  }
  const params: Record<string, string> = Object.create(null);
  for (const [name, raw] of entries) {
    checkName(name);
    params[name] = paramValue(name, raw);
  }
  return params;
}

function checkName(name: string): void {
  if (name.length > MAX_PARAM_NAME_LENGTH) {
    throw new EventDecodeError(
      `param name ${quote(name)} is ${name.length} characters long, over the ${MAX_PARAM_NAME_LENGTH} limit`,
    );
  }
  if (!PARAM_NAME_PATTERN.test(name)) {
    throw new EventDecodeError(
      `param ${quote(name)} is not a valid name (expected ${PARAM_NAME_PATTERN.source})`,
    );
  }
  if (name.startsWith(RESERVED_PREFIX)) {
    throw new EventDecodeError(
      `param ${name} uses the reserved prefix ${RESERVED_PREFIX} (evh sets EVH_* variables itself)`,
    );
  }
}

function paramValue(name: string, raw: unknown): string {
  if (typeof raw === "number" || typeof raw === "boolean" || typeof raw === "bigint") {
    return String(raw);
  }
  if (typeof raw !== "string") {
    throw new EventDecodeError(
      `param ${name} value is ${kindOf(raw)}; values must be strings, numbers or booleans`,
    );
  }
  // NUL cannot cross execve(): the value would be cut short without a word.
  if (raw.includes("\u0000")) {
    throw new EventDecodeError(`param ${name} value contains a NUL character`);
  }
  const lone = loneSurrogateReason(raw);
  if (lone) throw new EventDecodeError(`param ${name} value contains ${lone}`);
  const bytes = Buffer.byteLength(raw, "utf8");
  if (bytes > MAX_VALUE_BYTES) {
    throw new EventDecodeError(describeOverLimit(`param ${name} value`, bytes, MAX_VALUE_BYTES));
  }
  return raw;
}

/**
 * `an unpaired surrogate (\ud800 escape without its pair)` when `text` has
 * one, else undefined. The bytes of a file are decoded strictly, but JSON
 * and YAML escapes can still spell half a pair; passed on, it would reach
 * the handler as U+FFFD without a word (SPEC §2: never silently U+FFFD).
 */
export function loneSurrogateReason(text: string): string | undefined {
  const at = firstLoneSurrogate(text);
  if (at < 0) return undefined;
  const unit = text.charCodeAt(at).toString(16);
  return `an unpaired surrogate (\\u${unit} escape without its pair)`;
}
