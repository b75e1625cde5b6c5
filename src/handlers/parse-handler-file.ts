import path from "node:path";
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
} from "yaml";
import type { Diagnostic, Handler } from "./handler.js";
import type { ParseContext } from "./parse-context.js";
import { type DocumentPlace, parseHandlerDocument } from "./parse-handler-document.js";
import { DocumentReport, isNull, type ValueNode } from "./yaml-nodes.js";

export type { ParseContext } from "./parse-context.js";

export interface ParsedHandlerFile {
  /** The handlers of the documents without errors, in document order. */
  readonly handlers: Handler[];
  /** Errors and warnings of every document, in line order. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses the text of one handler file: each YAML document is one handler
 * (SPEC §3). Pure: the system is reached only through `ctx`. A document with
 * an error yields no handler; the other documents are still parsed, so that
 * one run reports every problem of the file. (Whether a file with an error
 * loads at all is the loader's policy.)
 *
 * @param file the path shown in diagnostics and kept in `Handler.file`
 * @param fileIndex the file's position in load order, for run order
 */
export function parseHandlerFile(
  text: string,
  file: string,
  fileIndex: number,
  ctx: ParseContext,
): ParsedHandlerFile {
  const lines = new LineCounter();
  // YAML 1.2 core schema: `yes`/`on` stay strings, as in event files (SPEC §2).
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    schema: "core",
    prettyErrors: false,
    uniqueKeys: true,
  });
  // Empty documents (a trailing `---`, a file of comments) define nothing and do not count.
  const used = docs.filter(
    (doc) => doc.errors.length > 0 || isAlias(doc.contents) || !isNull(asValue(doc.contents)),
  );
  const name = baseName(file);
  const handlers: Handler[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenIds = new Map<string, number>();
  used.forEach((doc, docIndex) => {
    const report = new DocumentReport(file, lines, doc);
    const place: DocumentPlace = {
      file,
      fileIndex,
      docIndex,
      defaultId: used.length === 1 ? name : `${name}#${docIndex + 1}`,
      line: report.lineAt(doc.range[0]),
    };
    const handler = reportYamlProblems(doc, report, text)
      ? undefined
      : parseHandlerDocument(report.resolve(doc.contents), place, report, ctx);
    if (handler !== undefined) {
      const earlier = seenIds.get(handler.id);
      if (earlier === undefined) {
        seenIds.set(handler.id, handler.line);
        handlers.push(handler);
      } else {
        report.error(
          handler.line,
          `duplicate handler id ${JSON.stringify(handler.id)}: already used at line ${earlier} of this file`,
        );
      }
    }
    diagnostics.push(...report.diagnostics.sort((a, b) => a.line - b.line));
  });
  return { handlers, diagnostics };
}

/** The file's name without directory and extension: the default handler id. */
function baseName(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return ext && ext !== base ? base.slice(0, -ext.length) : base;
}

/**
 * Reports YAML syntax errors and warnings (an unresolved tag would silently
 * become a string, so it is an error here too). True when the document has a
 * syntax error: its content is then not validated, as it may be cut short.
 */
function reportYamlProblems(doc: Document.Parsed, report: DocumentReport, text: string): boolean {
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const offset = problem.pos[0];
    const message =
      problem.code === "DUPLICATE_KEY"
        ? `key ${JSON.stringify(/^[^\s:]*/.exec(text.slice(offset))?.[0] ?? "")} appears twice`
        : `invalid YAML: ${problem.message.split("\n")[0]}`;
    report.error(report.lineAt(offset), message);
  }
  return doc.errors.length > 0;
}

/** A document's root: an alias cannot stand alone there, so anything else is "nothing". */
function asValue(node: unknown): ValueNode | null {
  return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
}
