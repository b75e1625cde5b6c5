import { isMap, isSeq } from "yaml";
import { GlobSyntaxError } from "../errors/evh-error.js";
import { hint } from "../events/did-you-mean.js";
import { EVENT_ID_PATTERN, PARAM_NAME_PATTERN } from "../events/event.js";
import { compileGlob, isLiteral } from "./glob.js";
import type { WhenCondition } from "./handler.js";
import type { ParseContext } from "./parse-context.js";
import {
  type DocumentReport,
  describe,
  type Entry,
  isNull,
  scalarText,
  stringValue,
  type ValueNode,
} from "./yaml-nodes.js";

interface Item {
  readonly value: string;
  readonly line: number;
}

/**
 * A string or list of strings, each with its own line; undefined (reported)
 * when it is neither. Bad list items are reported and left out, so that the
 * good ones can still be checked: `complete` says whether any was left out.
 */
function stringList(
  entry: Entry,
  report: DocumentReport,
  name: string,
  expected: string,
  asText: (node: ValueNode | null) => string | undefined,
): { items: Item[]; complete: boolean } | undefined {
  const single = asText(entry.value);
  if (single !== undefined) return { items: [{ value: single, line: entry.line }], complete: true };
  if (!isSeq(entry.value)) {
    report.error(entry.line, `${name} must be ${expected}, got ${describe(entry.value)}`);
    return undefined;
  }
  if (entry.value.items.length === 0) {
    report.error(entry.line, `${name} must not be an empty list`);
    return undefined;
  }
  const items: Item[] = [];
  let complete = true;
  for (const item of entry.value.items) {
    const node = report.resolve(item);
    const line = report.lineOf(node, entry.line);
    const value = asText(node);
    if (value === undefined) {
      report.error(line, `${name} list items must be strings, got ${describe(node)}`);
      complete = false;
    } else {
      items.push({ value, line });
    }
  }
  return { items, complete };
}

/** Reports a malformed glob; true when it compiles. */
function checkGlob(pattern: string, line: number, name: string, report: DocumentReport): boolean {
  try {
    compileGlob(pattern);
    return true;
  } catch (error) {
    if (!(error instanceof GlobSyntaxError)) throw error;
    report.error(
      line,
      pattern === ""
        ? `${name} must not be empty`
        : `${name} has a malformed glob ${JSON.stringify(pattern)}: ${error.message}`,
    );
    return false;
  }
}

/** `event`: ids or globs. Ids outside the catalogue are accepted with a warning (SPEC §3). */
export function parseEvents(
  entry: Entry,
  report: DocumentReport,
  ctx: ParseContext,
): string[] | undefined {
  const expected = "an event id, a glob or a list of them";
  const list = stringList(entry, report, "event", expected, stringValue);
  if (list === undefined) return undefined;
  const bad = list.items.filter((item) => !checkEventPattern(item, report, ctx));
  return list.complete && bad.length === 0 ? list.items.map((item) => item.value) : undefined;
}

function checkEventPattern({ value, line }: Item, report: DocumentReport, ctx: ParseContext) {
  if (!checkGlob(value, line, "event", report)) return false;
  if (!isLiteral(value)) return true;
  if (!EVENT_ID_PATTERN.test(value)) {
    // No event can carry this id (SPEC §2), so the handler could never run.
    const lower = value.toLowerCase();
    const suggestion = ctx.knownEvent(lower).known ? lower : undefined;
    report.error(
      line,
      `event must be an event id (a lower-case letter, then up to 63 lower-case letters, digits or _) or a glob, got ${JSON.stringify(value)}${hint(suggestion)}`,
    );
    return false;
  }
  const known = ctx.knownEvent(value);
  if (!known.known) {
    report.warning(
      line,
      `event ${JSON.stringify(value)} is not in the catalogue of known events${hint(known.suggestion)}`,
    );
  }
  return true;
}

/** `when`: param name → glob or list of globs; every condition must hold (SPEC §3). */
export function parseWhen(entry: Entry, report: DocumentReport): WhenCondition[] | undefined {
  const node = entry.value;
  // `when:` with every condition commented out means no condition.
  if (isNull(node)) return [];
  if (!isMap(node)) {
    report.error(entry.line, `when must be a map of PARAM_NAME: glob, got ${describe(node)}`);
    return undefined;
  }
  const conditions: WhenCondition[] = [];
  let ok = true;
  for (const param of report.entries(node, entry.line)) {
    const name = `when ${param.key}`;
    if (!PARAM_NAME_PATTERN.test(param.key)) {
      report.error(
        param.line,
        `when: param names are upper-case letters, digits and _ starting with a letter (like NEW_DOMAIN_NAME), got ${JSON.stringify(param.key)}`,
      );
      ok = false;
      continue;
    }
    if (param.key.startsWith("EVH_")) {
      // Events never carry EVH_ params (SPEC §2): such a condition could never hold.
      report.error(
        param.line,
        `when: ${param.key} is not an event param (EVH_ names are reserved); choose events with event:`,
      );
      ok = false;
      continue;
    }
    const expected = "a glob or a list of globs";
    const list = stringList(param, report, name, expected, scalarText);
    const malformed = list?.items.filter((i) => !checkGlob(i.value, i.line, name, report));
    if (list === undefined || !list.complete || malformed?.length) {
      ok = false;
      continue;
    }
    conditions.push({ param: param.key, patterns: list.items.map((i) => i.value) });
  }
  return ok ? conditions : undefined;
}
