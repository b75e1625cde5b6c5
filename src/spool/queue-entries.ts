import { errnoCode } from "../errors/evh-error.js";
import { failureOf } from "./failures.js";
import type { Spool } from "./spool.js";
import { readSpooledEvent } from "./spooled-event.js";

/** The states `evh queue` lists: events waiting, running, and failed (SPEC §6). */
export const QUEUE_STATES = ["new", "cur", "failed"] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** One line of `evh queue` (Postfix's `postqueue -p`). */
export interface QueueEntry {
  readonly name: string;
  readonly state: QueueState;
  /** The event id, null when the file cannot be decoded. */
  readonly event: string | null;
  /** What it is about (its ordering key: a domain, a login, ...), null when only its name. */
  readonly subject: string | null;
  /** Seconds since the file's mtime (when it was written, for a producer's file). */
  readonly age_s: number;
  /** Why it failed (the sidecar's reason), or why it cannot be read; null otherwise. */
  readonly reason: string | null;
}

/**
 * The events of `states`, each folder in processing order. Each file is read
 * and decoded (bounded by `maxBytes`), so listing a backlog of many thousands
 * takes a while, as `postqueue -p` does.
 */
export async function queueEntries(
  spool: Spool,
  states: readonly QueueState[],
  maxBytes: number,
  now = Date.now(),
): Promise<QueueEntry[]> {
  const entries: QueueEntry[] = [];
  for (const state of states) {
    for (const entry of await spool.events(state)) {
      let read: Awaited<ReturnType<typeof readSpooledEvent>>;
      try {
        read = await readSpooledEvent(spool, state, entry.name, maxBytes);
      } catch (error) {
        // Taken by the agent between the listing and the read: it is elsewhere now.
        if (errnoCode(error) === "ENOENT") continue;
        throw error;
      }
      const failure = state === "failed" ? await failureOf(spool, entry.name, entry.mtimeMs) : null;
      entries.push({
        name: entry.name,
        state,
        event: read.kind === "event" ? read.event.event : null,
        subject: read.kind === "event" ? read.subject : null,
        age_s: Math.max(0, Math.floor((now - entry.mtimeMs) / 1000)),
        reason: failure?.reason ?? (read.kind === "unreadable" ? read.reason : null),
      });
    }
  }
  return entries;
}
