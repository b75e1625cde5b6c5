import { EventDecodeError } from "../errors/evh-error.js";
import { quote } from "./describe-value.js";
import { MAX_PARAMS, MAX_YAML_DEPTH, MAX_YAML_SCALARS, MAX_YAML_TOKENS } from "./limits.js";
import { describePosition } from "./text-position.js";
import { isSyntax, yamlTokens } from "./yaml-tokens.js";

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
 *   duplicate-key check is quadratic in the keys of a map;
 * - more syntax than an event can have (MAX_YAML_TOKENS): a megabyte of
 *   stray `]` or of commas costs the parser 25 s and a gigabyte.
 *
 * Indentation-only nesting is not counted as depth (see YamlToken.depth);
 * the parser reports its overflow.
 */
export function guardYamlTokens(text: string): void {
  let scalars = 0;
  let syntax = 0;
  for (const token of yamlTokens(text)) {
    if (isSyntax(token) && ++syntax > MAX_YAML_TOKENS) {
      throw new EventDecodeError(
        `the YAML document has more than ${MAX_YAML_TOKENS} syntax tokens (keys, values, brackets, commas, ...); an event has at most ${MAX_PARAMS} params`,
      );
    }
    switch (token.type) {
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar":
        if (++scalars > MAX_YAML_SCALARS) {
          throw new EventDecodeError(
            `the YAML document has more than ${MAX_YAML_SCALARS} keys and values; an event has at most ${MAX_PARAMS} params`,
          );
        }
        break;
      case "tag":
        throw new EventDecodeError(
          `YAML tags are not allowed (found ${quote(token.source)} at ${describePosition(text, token.offset)})`,
        );
      case "directive-line":
        throw new EventDecodeError(
          `YAML directives are not allowed (found ${quote(token.source.trim())} at ${describePosition(text, token.offset)})`,
        );
      default:
        break;
    }
    if (token.depth > MAX_YAML_DEPTH) {
      throw new EventDecodeError(
        `YAML nesting deeper than ${MAX_YAML_DEPTH} levels at ${describePosition(text, token.offset)}`,
      );
    }
  }
}
