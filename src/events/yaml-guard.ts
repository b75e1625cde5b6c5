import { CST, Lexer } from "yaml";
import { EventDecodeError } from "../errors/evh-error.js";
import { quote } from "./describe-value.js";
import { MAX_PARAMS, MAX_YAML_DEPTH, MAX_YAML_SCALARS } from "./limits.js";
import { describePosition } from "./text-position.js";

/** The lexer's marker before a plain or block scalar's source token. */
const SCALAR_MARKER = "\u001f";
/** Markers the lexer adds that are not source text: document, flow error end, scalar. */
const MARKERS = new Set(["\u0002", "\u0018", SCALAR_MARKER]);

/**
 * A pass over the YAML lexer's tokens before the real parse, rejecting what an
 * event file never needs and the parser handles badly:
 *
 * - tags (`!foo`, `!!python/object`): the yaml package would only warn and
 *   read the node as a plain string, hiding the producer's mistake;
 * - directives (`%YAML 1.1`, `%TAG`): they change how the rest is read;
 * - deep nesting: 10 KB of `[` makes yaml's pretty error printer crash V8, and 1 MB
 *   of it costs the parser half a GB. The lexer streams in constant memory;
 * - more scalars than an event can have (MAX_YAML_SCALARS): the parser's
 *   duplicate-key check is quadratic in the keys of a map.
 *
 * Depth is counted as open flow brackets plus the block indicators (`- `,
 * `? `, `: `) stacked on one line; indentation-only nesting costs quadratic
 * bytes, so the size limit bounds it, and the parser reports its overflow.
 */
export function guardYamlTokens(text: string): void {
  let offset = 0;
  let flowDepth = 0;
  let blockOnLine = 0;
  let skipNext = false;
  let scalars = 0;
  const countScalar = () => {
    if (++scalars > MAX_YAML_SCALARS) {
      throw new EventDecodeError(
        `the YAML document has more than ${MAX_YAML_SCALARS} keys and values; an event has at most ${MAX_PARAMS} params`,
      );
    }
  };
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) {
      // The source token after a scalar marker is scalar text, whatever it looks like.
      skipNext = token === SCALAR_MARKER;
      if (skipNext) countScalar();
      continue;
    }
    const at = offset;
    offset += token.length;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    switch (CST.tokenType(token)) {
      case "single-quoted-scalar":
      case "double-quoted-scalar":
        countScalar();
        break;
      case "tag":
        throw new EventDecodeError(
          `YAML tags are not allowed (found ${quote(token)} at ${describePosition(text, at)})`,
        );
      case "directive-line":
        throw new EventDecodeError(
          `YAML directives are not allowed (found ${quote(token.trim())} at ${describePosition(text, at)})`,
        );
      case "flow-map-start":
      case "flow-seq-start":
        flowDepth++;
        break;
      case "flow-map-end":
      case "flow-seq-end":
        flowDepth = Math.max(0, flowDepth - 1);
        break;
      case "seq-item-ind":
      case "explicit-key-ind":
      case "map-value-ind":
        if (flowDepth === 0) blockOnLine++;
        break;
      case "newline":
        blockOnLine = 0;
        break;
      default:
        break;
    }
    if (flowDepth + blockOnLine > MAX_YAML_DEPTH) {
      throw new EventDecodeError(
        `YAML nesting deeper than ${MAX_YAML_DEPTH} levels at ${describePosition(text, at)}`,
      );
    }
  }
}
