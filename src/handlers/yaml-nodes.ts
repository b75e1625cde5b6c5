import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Diagnostic } from "./handler.js";

/**
 * Handler documents are read from the YAML node tree, not from `toJS()`, so
 * that every message can point at the line of the key or item it is about.
 */
export type ValueNode = Scalar | YAMLMap | YAMLSeq;

/** A key of a map with its (alias-resolved) value, as the validators see it. */
export interface Entry {
  readonly key: string;
  /** Line of the key. */
  readonly line: number;
  /** The value; null for `key:` with nothing after it. */
  readonly value: ValueNode | null;
}

/** Collects the located diagnostics of one document. */
export class DocumentReport {
  readonly diagnostics: Diagnostic[] = [];
  private readonly unresolved = new Set<unknown>();

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly doc: Document.Parsed,
  ) {}

  /** The 1-based line where a node starts, or `fallback` for a node without position. */
  lineOf(node: { range?: readonly number[] | null } | null | undefined, fallback: number): number {
    const offset = node?.range?.[0];
    return offset === undefined ? fallback : this.lines.linePos(offset).line;
  }

  /** The line of an offset in the file's text. */
  lineAt(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  error(line: number, message: string): void {
    this.diagnostics.push({ file: this.file, line, severity: "error", message });
  }

  warning(line: number, message: string): void {
    this.diagnostics.push({ file: this.file, line, severity: "warning", message });
  }

  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === "error");
  }

  /** Follows an alias to the node it names; anything else is returned as is. */
  resolve(node: unknown): ValueNode | null {
    let target = node;
    if (isAlias(node)) {
      target = node.resolve(this.doc);
      if (target === undefined && !this.unresolved.has(node)) {
        // yaml reports a dangling alias only when converting to JS, which this reader never does.
        this.unresolved.add(node);
        this.error(this.lineOf(node, 1), `alias *${node.source} names no anchor defined before it`);
      }
    }
    return isScalar(target) || isMap(target) || isSeq(target) ? target : null;
  }

  /** The entries of a map in order, keys as strings (non-scalar keys are reported and left out). */
  entries(map: YAMLMap, fallbackLine: number): Entry[] {
    const entries: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key);
      const line = this.lineOf(keyNode, fallbackLine);
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === "object") {
        this.error(line, `keys must be plain words, got ${describe(keyNode)}`);
        continue;
      }
      entries.push({ key: String(keyNode.value), line, value: this.resolve(pair.value) });
    }
    return entries;
  }
}

/** How a value is shown after "got": strings quoted, numbers and booleans bare, collections by kind. */
export function describe(node: ValueNode | null): string {
  if (node === null) return "null";
  if (isMap(node)) return "a map";
  if (isSeq(node)) return "a list";
  const value = node.value;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined) return "null";
  return String(value);
}

/** A scalar's value when it is a string, number or boolean: the forms YAML gives plain text. */
export function scalarText(node: ValueNode | null): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  if (typeof value === "string") return value;
  // Numbers and booleans become their String() text, as event params do (SPEC §2).
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** `key:` with nothing after it, or an explicit `null`/`~`. */
export function isNull(node: ValueNode | null): boolean {
  return node === null || (isScalar(node) && (node.value === null || node.value === undefined));
}

/** The value of a string scalar, else undefined. */
export function stringValue(node: ValueNode | null): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}
