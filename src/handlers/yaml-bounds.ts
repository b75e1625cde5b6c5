import { MAX_YAML_DEPTH } from "../events/limits.js";
import { isSyntax, yamlTokens } from "../events/yaml-tokens.js";

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
 * Checks a handler file's YAML with the lexer, which streams in constant
 * memory, before the parser sees it: nesting, documents and syntax tokens.
 * Returns the line and message of the first bound passed, if any.
 */
export function checkHandlerYaml(text: string): { line: number; message: string } | undefined {
  let syntax = 0;
  let documents = 0;
  for (const token of yamlTokens(text)) {
    // A document starts at `---`, or at the first syntax without one.
    const opensDocument = token.type !== "doc-start" && token.type !== "directive-line";
    if (documents === 0 && opensDocument && isSyntax(token)) documents = 1;
    let problem: string | undefined;
    if (token.depth > MAX_YAML_DEPTH) {
      problem = `YAML nesting deeper than ${MAX_YAML_DEPTH} levels; a handler needs a few`;
    } else if (token.type === "doc-start" && ++documents > MAX_HANDLER_DOCUMENTS) {
      problem = `more than ${MAX_HANDLER_DOCUMENTS} documents in one file; split it into several files`;
    } else if (isSyntax(token) && ++syntax > MAX_HANDLER_FILE_TOKENS) {
      problem = `more than ${MAX_HANDLER_FILE_TOKENS} YAML tokens (keys, values, brackets, commas, ...) in one file; split it into several files`;
    }
    if (problem !== undefined) return { line: lineOf(text, token.offset), message: problem };
  }
  return undefined;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
