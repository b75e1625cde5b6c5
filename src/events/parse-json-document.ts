import { EventDecodeError, toError } from "../errors/evh-error.js";
import { locateJsonSyntaxError } from "./json-syntax-error.js";
import { describePosition } from "./text-position.js";

/**
 * `JSON.parse`, with its failures turned into reasons that say where. A
 * repeated key keeps its last value, as `JSON.parse` does (SPEC §2); a
 * `"__proto__"` key becomes an own property, never the prototype.
 */
export function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const error = toError(thrown);
    // Engines may give up on extreme nesting with a RangeError instead of parsing it.
    if (error instanceof RangeError) {
      throw new EventDecodeError("JSON nesting too deep", "", { cause: error });
    }
    const found = locateJsonSyntaxError(text);
    const reason = found
      ? `invalid JSON at ${describePosition(text, found.offset)}: ${found.message}`
      : `invalid JSON: ${error.message.split("\n")[0]}`;
    throw new EventDecodeError(reason, "", { cause: error });
  }
}
