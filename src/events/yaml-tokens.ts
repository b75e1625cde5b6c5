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
 * Follows yaml's lexer one lexeme at a time: which lexemes are source tokens,
 * and each one's type, offset and depth (YamlToken's fields, kept here
 * rather than in an object per token). For a pass that feeds the same
 * lexemes to yaml's parser, so that a text is lexed once.
 */
export class TokenTracker {
  /** The last source token's type; `scalar` for plain and block scalar text. */
  type = "";
  /** Its UTF-16 offset in the text. */
  offset = 0;
  /** Nesting after it (YamlToken.depth). */
  depth = 0;
  private end = 0;
  private flowDepth = 0;
  private blockOnLine = 0;
  private scalarNext = false;

  /** Takes the next lexeme; false for a marker the lexer adds, which is not source text. */
  next(lexeme: string): boolean {
    if (MARKERS.has(lexeme)) {
      // The source token after a scalar marker is scalar text, whatever it looks like.
      this.scalarNext = lexeme === SCALAR_MARKER;
      return false;
    }
    this.offset = this.end;
    this.end += lexeme.length;
    const type = this.scalarNext ? "scalar" : (CST.tokenType(lexeme) ?? "unknown");
    this.scalarNext = false;
    switch (type) {
      case "flow-map-start":
      case "flow-seq-start":
        this.flowDepth++;
        break;
      case "flow-map-end":
      case "flow-seq-end":
        this.flowDepth = Math.max(0, this.flowDepth - 1);
        break;
      case "seq-item-ind":
      case "explicit-key-ind":
      case "map-value-ind":
        if (this.flowDepth === 0) this.blockOnLine++;
        break;
      case "newline":
        this.blockOnLine = 0;
        break;
      default:
        break;
    }
    this.type = type;
    this.depth = this.flowDepth + this.blockOnLine;
    return true;
  }

  /** Whether the last token is syntax (see isSyntax). */
  get isSyntax(): boolean {
    return !LAYOUT.has(this.type);
  }
}

/**
 * The tokens of a YAML text from yaml's lexer, which streams in constant
 * memory whatever the input: the parser proper can spend hundreds of MB on
 * hostile text (a megabyte of `[`), the lexer cannot.
 */
export function* yamlTokens(text: string): Generator<YamlToken> {
  const tracker = new TokenTracker();
  for (const lexeme of new Lexer().lex(text)) {
    if (!tracker.next(lexeme)) continue;
    const { type, offset, depth } = tracker;
    yield { type, source: lexeme, offset, depth };
  }
}
