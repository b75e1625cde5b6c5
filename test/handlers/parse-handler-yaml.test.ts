import { describe, expect, it } from "vitest";
import { type Document, LineCounter, parseAllDocuments } from "yaml";
import { parseHandlerYaml } from "../../src/handlers/parse-handler-yaml.js";

/** What the loader reads of a document: its content, errors, warnings and where it is. */
function shape(doc: Document.Parsed) {
  return {
    range: doc.range,
    contents: contentsOf(doc),
    errors: doc.errors.map((e) => [e.code, e.pos, e.message]),
    warnings: doc.warnings.map((e) => [e.code, e.pos, e.message]),
    commentBefore: doc.commentBefore,
  };
}

/** The document as plain data, or why it cannot be (an alias naming no anchor). */
function contentsOf(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return (error as Error).message;
  }
}

/** The same text through yaml's own parseAllDocuments, with the loader's options. */
function reference(text: string) {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    schema: "core",
    prettyErrors: false,
    uniqueKeys: false,
  });
  return { docs: docs.map(shape), lineStarts: lines.lineStarts };
}

function lexedOnce(text: string) {
  const lines = new LineCounter();
  const result = parseHandlerYaml(text, lines);
  if ("bound" in result) throw new Error(`unexpected bound: ${result.bound.message}`);
  return { docs: result.docs.map(shape), lineStarts: lines.lineStarts };
}

describe("parseHandlerYaml", () => {
  it.each([
    ["one handler", "id: a\nevent: client_create\ncommand: /bin/true <evh_event_id>\n"],
    ["several documents", "event: a\ncommand: x\n---\nevent: b\ncommand: y\n---\n"],
    ["comments only", "# nothing here\n# at all\n"],
    ["empty", ""],
    ["no final newline", "event: a\ncommand: x"],
    ["a syntax error", 'event: client_create\ncommand: "/bin/true\nbogus: 1\n'],
    ["an error in a later document", "event: a\ncommand: x\n---\nevent: [a\n"],
    ["flow collections", "env: {A: 1, B: [x, y]}\nwhen: {P: ['a*', \"b\"]}\n"],
    ["block scalars", "command: |\n  echo one\n  echo two\nenv:\n  X: >-\n    folded\n"],
    ["anchors and aliases", "a: &x {k: v}\nb: *x\nc: *missing\n"],
    ["a directive", "%YAML 1.2\n---\nevent: a\n"],
    ["a tag", "event: client_create\ncommand: !secret /bin/true\n"],
    ["a document end", "event: a\n...\n---\nevent: b\n"],
    ["stray brackets", `env: ${"] ".repeat(30)}\n`],
    ["CRLF", "event: a\r\ncommand: x\r\n"],
  ])("reads %s as yaml's parseAllDocuments does", (_, text) => {
    expect(lexedOnce(text)).toEqual(reference(text));
  });

  it("gives only the bound, with its line, when a later document passes it", () => {
    const text = `event: a\ncommand: x\n---\nevent: b\ncommand: y\n---\nenv: ${"[".repeat(40)}\n`;
    expect(parseHandlerYaml(text, new LineCounter())).toEqual({
      bound: { line: 7, message: "YAML nesting deeper than 32 levels; a handler needs a few" },
    });
  });
});
