import { MAX_YAML_DEPTH } from "../events/limits.js";
import type { TokenTracker } from "../events/yaml-tokens.js";

/**
 * Syntax tokens in one handler file: about 50 per handler for 1,000
 * handlers. yaml's parser spends seconds and hundreds of MB on a megabyte
 * of stray brackets or commas, and the agent reloads synchronously: without
 * a bound, one broken file stalls every event for half a minute.
 */
export const MAX_HANDLER_FILE_TOKENS = 50_000;
/** Documents (handlers) in one file; a megabyte of `---` costs the parser 10 s. */
export const MAX_HANDLER_DOCUMENTS = 1000;

/**
 * The bounds of a handler file's YAML, checked token by token from the
 * lexer, which streams in constant memory, before the parser sees the token:
 * nesting, documents and syntax tokens.
 */
export class HandlerYamlBounds {
  private syntax = 0;
  private documents = 0;

  /** The bound the token just read passes, as a message, if any. */
  passed(token: TokenTracker): string | undefined {
    // A document starts at `---`, or at the first syntax without one.
    const opensDocument = token.type !== "doc-start" && token.type !== "directive-line";
    if (this.documents === 0 && opensDocument && token.isSyntax) this.documents = 1;
    if (token.depth > MAX_YAML_DEPTH) {
      return `YAML nesting deeper than ${MAX_YAML_DEPTH} levels; a handler needs a few`;
    }
    if (token.type === "doc-start" && ++this.documents > MAX_HANDLER_DOCUMENTS) {
      return `more than ${MAX_HANDLER_DOCUMENTS} documents in one file; split it into several files`;
    }
    if (token.isSyntax && ++this.syntax > MAX_HANDLER_FILE_TOKENS) {
      return `more than ${MAX_HANDLER_FILE_TOKENS} YAML tokens (keys, values, brackets, commas, ...) in one file; split it into several files`;
    }
    return undefined;
  }
}
