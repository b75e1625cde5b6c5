import { CST, Lexer } from "yaml";

/** The lexer's marker before a plain or block scalar's source token. */
const SCALAR_MARKER = "\u001f";
/** Markers the lexer adds that are not source text: document, flow error end, scalar. */
const MARKERS = new Set(["\u0002", "\u0018", SCALAR_MARKER]);

/** Tokens that are only layout: they cost the parser nothing worth bounding. */
const LAYOUT = new Set(["space", "newline", "comment", "byte-order-mark"]);

/**
 * Whether a token is syntax the parser must build something for: a scalar,
 * an indicator, a bracket, a comma, an anchor, an alias, a tag. yaml's
 * parser spends up to a kilobyte and microseconds on each, and more on an
 * error (a megabyte of `] ` or of commas: 25 s and 1 GB), so the guards
 * bound their number before it runs.
 */
export function isSyntax(token: YamlToken): boolean {
  return !LAYOUT.has(token.type);
}

/** One source token of a YAML text, for the checks made before the real parse. */
export interface YamlToken {
  /** The lexer's token type; `scalar` for plain and block scalar text. */
  readonly type: string;
  readonly source: string;
  /** UTF-16 offset of the token in the text. */
  readonly offset: number;
  /**
   * Nesting after this token: open flow brackets plus the block indicators
   * (`- `, `? `, `: `) stacked on its line. Indentation-only nesting is not
   * counted: it costs quadratic bytes, so a size limit bounds it.
   */
  readonly depth: number;
}

/**
 * The tokens of a YAML text from yaml's lexer, which streams in constant
 * memory whatever the input: the parser proper can spend hundreds of MB on
 * hostile text (a megabyte of `[`), the lexer cannot.
 */
export function* yamlTokens(text: string): Generator<YamlToken> {
  let offset = 0;
  let flowDepth = 0;
  let blockOnLine = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) {
      // The source token after a scalar marker is scalar text, whatever it looks like.
      scalarNext = token === SCALAR_MARKER;
      continue;
    }
    const at = offset;
    offset += token.length;
    const type = scalarNext ? "scalar" : (CST.tokenType(token) ?? "unknown");
    scalarNext = false;
    switch (type) {
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
    yield { type, source: token, offset: at, depth: flowDepth + blockOnLine };
  }
}
