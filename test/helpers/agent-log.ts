import { readFileSync } from "node:fs";
import { waitFor } from "./wait-for.js";

/** One line of var/log/evh.log (SPEC §8). */
export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly timestamp: string;
  readonly [field: string]: unknown;
}

/** A handler run's log line: the fields SPEC §8 promises. */
export interface RunEntry extends LogEntry {
  readonly event: string;
  readonly event_id: string;
  readonly handler: string;
  readonly attempt: number;
  readonly outcome: string;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly duration_ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The log's entries so far; none when it does not exist yet. A torn last line is skipped. */
export function readLog(file: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // being written right now
    }
  }
  return entries;
}

export function isRun(entry: LogEntry): entry is RunEntry {
  return typeof entry.handler === "string" && typeof entry.outcome === "string";
}

/** Run records, optionally of one event id. */
export function runsIn(file: string, eventId?: string): RunEntry[] {
  return readLog(file)
    .filter(isRun)
    .filter((r) => eventId === undefined || r.event_id === eventId);
}

/** Waits until the log holds an entry matching `predicate`; returns the first one. */
export function waitForLog(
  file: string,
  predicate: (entry: LogEntry) => boolean,
  what = "a matching log entry",
  timeoutMs = 10_000,
): Promise<LogEntry> {
  return waitFor(() => readLog(file).find(predicate), timeoutMs, `${what} in ${file}`);
}

/** Entries whose message contains `text`. */
export function withMessage(file: string, text: string): LogEntry[] {
  return readLog(file).filter((e) => e.message.includes(text));
}
