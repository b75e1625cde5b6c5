import path from "node:path";
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Scalar,
} from "yaml";
import type { Diagnostic, Handler } from "./handler.js";
import type { ParseContext } from "./parse-context.js";
import { type DocumentPlace, parseHandlerDocument } from "./parse-handler-document.js";
import { parseHandlerYaml } from "./parse-handler-yaml.js";
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
  const yaml = parseHandlerYaml(text, lines);
  if ("bound" in yaml) {
    return { handlers: [], diagnostics: [{ file, severity: "error", ...yaml.bound }] };
  }
  const docs = yaml.docs;
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
    const handler = reportYamlProblems(doc, report)
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

/** YAML problems reported per document; past this, one line says how many more there are. */
const MAX_YAML_PROBLEMS = 10;

/**
 * Reports YAML syntax errors and warnings (an unresolved tag would silently
 * become a string, so it is an error here too) and keys given twice. True
 * when the document has any: its content is then not validated, as it may
 * be cut short. A broken file can hold a million errors (a megabyte of
 * `]`); only the first few are reported.
 */
function reportYamlProblems(doc: Document.Parsed, report: DocumentReport): boolean {
  const problems = [
    ...[...doc.errors, ...doc.warnings].map((p) => ({
      offset: p.pos[0],
      message: `invalid YAML: ${p.message.split("\n")[0]}`,
    })),
    ...duplicateKeys(doc),
  ];
  for (const { offset, message } of problems.slice(0, MAX_YAML_PROBLEMS)) {
    report.error(report.lineAt(offset), message);
  }
  if (problems.length > MAX_YAML_PROBLEMS) {
    const last = problems[MAX_YAML_PROBLEMS] as { offset: number };
    report.error(
      report.lineAt(last.offset),
      `and ${problems.length - MAX_YAML_PROBLEMS} more YAML problems in this document`,
    );
  }
  return problems.length > 0;
}

/**
 * Keys given twice in one map, in linear time (yaml's `uniqueKeys` compares
 * every pair: 100k keys would block the agent's reload for minutes). Scalar
 * keys are equal when their values are, as yaml's check has it. Maps are
 * taken in the order yaml's `visit` takes them (a map, then its keys and
 * values), walked here directly: `visit` copies and freezes the path to
 * every node, which made this check a tenth of a 10,000-file load.
 */
function duplicateKeys(doc: Document.Parsed): { offset: number; message: string }[] {
  const found: { offset: number; message: string }[] = [];
  const walk = (node: unknown): void => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const { key } of node.items) {
        if (!isScalar(key)) continue;
        const identity = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(identity)) found.push(duplicate(key));
        seen.add(identity);
      }
      for (const pair of node.items) walk(pair);
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    } else if (isPair(node)) {
      walk(node.key);
      walk(node.value);
    }
  };
  walk(doc.contents);
  return found;
}

function duplicate(key: Scalar): { offset: number; message: string } {
  return {
    offset: key.range?.[0] ?? 0,
    message: `key ${JSON.stringify(String(key.value))} appears twice`,
  };
}

/** A document's root: an alias cannot stand alone there, so anything else is "nothing". */
function asValue(node: unknown): ValueNode | null {
  return isScalar(node) || isMap(node) || isSeq(node) ? node : null;
}
