import { Document, isMap, isScalar, parseAllDocuments, parseDocument } from "yaml";
import { UsageError } from "../errors/evh-error.js";
import type { Handler } from "../handlers/handler.js";
import { PRIORITY_LEVELS } from "../handlers/handler.js";
import type { ParseContext } from "../handlers/parse-context.js";
import { parseHandlerFile } from "../handlers/parse-handler-file.js";
import { CommandError } from "./cli-error.js";
import { durationFlagMs } from "./duration-flag.js";
import { displayPath } from "./output.js";

/** The keys `evh create/update` write, as given on the command line. */
export interface HandlerFields {
  readonly event?: string;
  readonly priority?: number | string;
  readonly user?: string;
  readonly command?: string;
  /** Run `command` with /bin/sh -c; false removes the key (the default). */
  readonly shell?: boolean;
  /** The command as a Plesk-syntax script gave it, when evh rewrote it: kept as a comment above `command`. */
  readonly commandAsGiven?: string;
  readonly timeout?: string;
  readonly enabled?: boolean;
}

/** Key order in written files: the order of SPEC §3. */
const FIELD_ORDER = [
  "event",
  "priority",
  "user",
  "command",
  "shell",
  "timeout",
  "enabled",
] as const;

/** How a key is spelled on the command line: `--user`, or `-user` in Plesk syntax. */
export type FlagName = (key: string) => string;

export const longFlag: FlagName = (key) => `--${key}`;

const LEVELS = Object.keys(PRIORITY_LEVELS).join("|");

/** A priority flag: 0..100 (Plesk's numbers) or a level name, as in handler files. */
export function priorityFlag(value: string, flag: string): number | string {
  if (/^\d{1,3}$/.test(value) && Number(value) <= 100) return Number(value);
  if (Object.hasOwn(PRIORITY_LEVELS, value)) return value;
  throw new UsageError(`${flag} must be 0..100 or ${LEVELS}, got ${JSON.stringify(value)}`);
}

/** A timeout flag: a duration as in handler files; kept as written. */
export function timeoutFlag(value: string, flag: string): string {
  durationFlagMs(value, flag);
  return value;
}

/**
 * The text of a new handler file. YAML is generated, never pasted together,
 * so any command string comes out safely quoted; `lineWidth: 0` keeps each
 * key on one line (messages then map lines back to flags).
 */
export function newHandlerText(id: string, fields: HandlerFields): string {
  const body: Record<string, unknown> = { id };
  for (const key of FIELD_ORDER) {
    if (fields[key] !== undefined && fields[key] !== false) body[key] = fields[key];
  }
  const doc = new Document(body);
  doc.commentBefore = ` Written by evh create. Change it with evh update ${id}, remove it with evh delete ${id}.`;
  noteCommandAsGiven(doc, fields);
  return doc.toString({ lineWidth: 0 });
}

/** The text of a handler file with some keys set anew; comments and other keys are kept. */
export function updatedHandlerText(text: string, fields: HandlerFields): string {
  const doc = handlerDocuments(text)[0] ?? parseDocument(text, { schema: "core" });
  for (const key of FIELD_ORDER) {
    if (key === "shell" && fields.shell === false) doc.delete("shell");
    else if (fields[key] !== undefined) doc.set(key, fields[key]);
  }
  if (fields.command !== undefined) noteCommandAsGiven(doc, fields);
  return doc.toString({ lineWidth: 0 });
}

/**
 * A rewritten Plesk command (plesk-command.ts) shows both forms in the file:
 * the command as given in a comment above the `command` key, the command
 * that runs as its value. A command given as is carries no such comment.
 */
function noteCommandAsGiven(doc: Document, fields: HandlerFields): void {
  if (!isMap(doc.contents)) return;
  const pair = doc.contents.items.find(
    (item) => isScalar(item.key) && item.key.value === "command",
  );
  if (pair === undefined || !isScalar(pair.key)) return;
  pair.key.commentBefore =
    fields.commandAsGiven === undefined
      ? undefined
      : ` -command as given (Plesk syntax): ${JSON.stringify(fields.commandAsGiven)}`;
}

/** The documents of a handler file that define something (empty ones do not count). */
export function handlerDocuments(text: string) {
  return parseAllDocuments(text, { schema: "core" }).filter(
    (doc) =>
      doc.errors.length > 0 ||
      !(doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)),
  );
}

/** The `id` a one-document file sets, if it sets one. */
export function documentId(text: string): string | undefined {
  const doc = handlerDocuments(text)[0];
  if (!doc || !isMap(doc.contents)) return undefined;
  const node = doc.contents.get("id", true);
  return isScalar(node) ? String(node.value) : undefined;
}

/** A checked handler text: its one handler and the warnings to show. */
export interface CheckedText {
  readonly handler: Handler;
  readonly warnings: readonly string[];
}

/**
 * Validates a handler text with the agent's own parser before it lands.
 * Errors on keys that came from the command line are bad usage (exit 2),
 * naming the flag; errors elsewhere in the file (an update of a file that is
 * broken by hand) are failures (exit 1) saying to fix the file.
 */
export function checkHandlerText(
  text: string,
  file: string,
  ctx: ParseContext,
  fromFlags: ReadonlySet<string>,
  flag: FlagName,
): CheckedText {
  const parsed = parseHandlerFile(text, file, 0, ctx);
  const errors = parsed.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    const keyAt = keyLines(text);
    const own = errors.filter((d) => !fromFlags.has(keyAt(d.line)));
    const first = own[0];
    if (first !== undefined) {
      throw new CommandError(
        `${displayPath(file)}:${first.line}: ${first.message}; fix the file by hand (evh validate lists every problem)`,
      );
    }
    throw new UsageError(
      errors
        .map((d) => {
          const key = keyAt(d.line);
          const message = d.message.startsWith(`${key}: `)
            ? d.message.slice(key.length + 2)
            : d.message;
          return `${flag(key)}: ${message}`;
        })
        .join("; "),
    );
  }
  const handler = parsed.handlers[0];
  if (handler === undefined || parsed.handlers.length !== 1) {
    throw new CommandError(`${displayPath(file)}: expected exactly one handler in the file`);
  }
  const warnings = parsed.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message);
  return { handler, warnings };
}

/** For a line number, the top-level key whose entry holds it. */
function keyLines(text: string): (line: number) => string {
  const starts: { line: number; key: string }[] = [];
  text.split("\n").forEach((content, index) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*:/.exec(content);
    if (match) starts.push({ line: index + 1, key: match[1] as string });
  });
  return (line) => starts.filter((s) => s.line <= line).at(-1)?.key ?? "";
}
