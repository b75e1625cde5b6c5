import { join, split } from "shlex";
import { isSeq } from "yaml";
import { warnAboutArgv } from "./command-warnings.js";
import { findPlaceholders, isParamPlaceholder } from "./placeholders.js";
import {
  type DocumentReport,
  describe,
  type Entry,
  scalarText,
  stringValue,
} from "./yaml-nodes.js";

/** The parsed `command`: the argv template and its text for display. */
export interface Command {
  readonly argv: readonly string[];
  readonly text: string;
}

/**
 * `command` as a string split into words like a POSIX shell (quotes and
 * backslashes), or a list of argv items; with `shell: true` the one string
 * handed to `/bin/sh -c`, in which placeholders are refused (SPEC §3).
 * The program itself is checked by the caller, which knows the working dir.
 */
export function parseCommand(
  entry: Entry,
  shell: boolean,
  report: DocumentReport,
  redactFragments: readonly string[] = [],
): Command | undefined {
  const node = entry.value;
  const text = stringValue(node);
  if (shell) {
    if (text === undefined) {
      report.error(entry.line, `with shell: true, command must be a string, got ${describe(node)}`);
      return undefined;
    }
    if (text.trim() === "") {
      report.error(entry.line, "command must not be empty");
      return undefined;
    }
    return checkShellCommand(text, entry.line, report) ? { argv: [text], text } : undefined;
  }
  let argv: string[];
  if (text !== undefined) {
    try {
      argv = split(text);
    } catch {
      report.error(
        entry.line,
        `command has an unclosed quote or a trailing backslash: ${JSON.stringify(text)}`,
      );
      return undefined;
    }
  } else if (isSeq(node)) {
    const items = listItems(entry, report);
    if (items === undefined) return undefined;
    argv = items;
  } else {
    report.error(
      entry.line,
      `command must be a string or a list of strings, got ${describe(node)}`,
    );
    return undefined;
  }
  if (argv.length === 0) {
    report.error(entry.line, "command must not be empty");
    return undefined;
  }
  if (!checkArgv(argv, entry.line, report)) return undefined;
  warnAboutArgv(argv, entry.line, report, redactFragments);
  return { argv, text: text ?? join(argv) };
}

/** The items of a command list, each a string (numbers and booleans as their text). */
function listItems(entry: Entry, report: DocumentReport): string[] | undefined {
  const items: string[] = [];
  let ok = true;
  if (!isSeq(entry.value)) return undefined;
  for (const item of entry.value.items) {
    const node = report.resolve(item);
    const value = scalarText(node);
    if (value === undefined) {
      report.error(
        report.lineOf(node, entry.line),
        `command list items must be strings, got ${describe(node)}`,
      );
      ok = false;
    } else {
      items.push(value);
    }
  }
  return ok ? items : undefined;
}

/** Problems of the argv template itself: an empty program, a program chosen by the event, NULs. */
function checkArgv(argv: readonly string[], line: number, report: DocumentReport): boolean {
  const program = argv[0] as string;
  if (program === "") {
    report.error(line, "command: the program (first word) must not be empty");
    return false;
  }
  if (findPlaceholders(program).length > 0) {
    // Event data may fill arguments, never choose what runs.
    report.error(
      line,
      `command: the program (first word) must not contain a placeholder, got ${JSON.stringify(program)}`,
    );
    return false;
  }
  if (argv.some((item) => item.includes("\0"))) {
    report.error(line, "command must not contain NUL characters");
    return false;
  }
  return true;
}

/** With a shell nothing is substituted; a placeholder meant as a param must be an env reference. */
function checkShellCommand(text: string, line: number, report: DocumentReport): boolean {
  let ok = !text.includes("\0");
  if (!ok) report.error(line, "command must not contain NUL characters");
  const seen = new Set<string>();
  for (const match of text.matchAll(/<([A-Za-z0-9_]+)>/g)) {
    const written = match[0];
    const name = (match[1] as string).toUpperCase();
    if (!isParamPlaceholder(name) || seen.has(name)) continue;
    seen.add(name);
    report.error(
      line,
      `with shell: true placeholders are not replaced; use "$${name}" instead of ${written}`,
    );
    ok = false;
  }
  return ok;
}
