import { Composer, type Document, Lexer, type LineCounter, Parser } from "yaml";
import { TokenTracker } from "../events/yaml-tokens.js";
import { HandlerYamlBounds } from "./yaml-bounds.js";

/** A handler file's YAML documents, or the bound it passes and where. */
export type HandlerYaml =
  | { readonly docs: Document.Parsed[] }
  | { readonly bound: { readonly line: number; readonly message: string } };

/**
 * yaml's parseAllDocuments, with the bounds of HandlerYamlBounds checked on
 * each token before the parser is given it: the text is lexed once, and the
 * parser never sees more tokens, documents or nesting than the bounds allow
 * (a file past a bound yields the bound alone, as if it had been checked
 * whole first). Lexing twice, once to check and once to parse, was a sixth
 * of the time spent loading 10,000 handler files.
 */
export function parseHandlerYaml(text: string, lines: LineCounter): HandlerYaml {
  // YAML 1.2 core schema: `yes`/`on` stay strings, as in event files (SPEC §2).
  // Duplicate keys are found by the caller: yaml's own check is quadratic in a map's size.
  const composer = new Composer({
    lineCounter: lines,
    schema: "core",
    prettyErrors: false,
    uniqueKeys: false,
  });
  const parser = new Parser(lines.addNewLine);
  const token = new TokenTracker();
  const bounds = new HandlerYamlBounds();
  const docs: Document.Parsed[] = [];
  // What Parser.parse does first: the first line starts at 0.
  lines.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    if (token.next(lexeme)) {
      const message = bounds.passed(token);
      if (message !== undefined) return { bound: { line: lineOf(text, token.offset), message } };
    }
    for (const cst of parser.next(lexeme)) docs.push(...composer.next(cst));
  }
  for (const cst of parser.end()) docs.push(...composer.next(cst));
  docs.push(...composer.end());
  return { docs };
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
