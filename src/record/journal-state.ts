import type { JournalRecord } from "./journal-record.js";
import type { HandlerOutcome } from "./outcome.js";
import { fromStoredOutcome, toStoredOutcome } from "./stored-outcome.js";

export type { JournalRecord } from "./journal-record.js";

/**
 * The agent's per-event progress, rebuilt by replaying the journal. Pure: no
 * I/O here, so replay is tested exhaustively on its own.
 *
 * An event is known by its spool file name together with a hash of its
 * bytes: a different event that reuses a name (one after the other, or both
 * in failed/ at once) has progress of its own, and the agent's own renames
 * (`mv` records) carry an event's progress to its new name.
 */
export interface EventProgress {
  readonly sha: string;
  /** The latest final outcome of each handler, across rounds (first run, retries). */
  readonly outcomes: Map<string, HandlerOutcome>;
  /** The handlers this round runs: null = every matching handler (a first run). */
  plan: readonly string[] | null;
  /** Handlers that reached an outcome in this round. */
  readonly done: Set<string>;
  /** How the last round ended, if it did. */
  ended: "ok" | "failed" | undefined;
}

/** The state's key for one event: names hold no NUL byte, so the pair is unambiguous. */
function keyOf(name: string, sha: string): string {
  return `${name}\0${sha}`;
}

function nameOf(key: string): string {
  return key.slice(0, key.indexOf("\0"));
}

export class JournalState {
  /** Progress by event (name and hash). */
  private readonly events = new Map<string, EventProgress>();
  /** Keys by hash: finding a renamed event must not scan every event for every claim. */
  private readonly bySha = new Map<string, Set<string>>();
  /** Completed producer ids → completion time (ms). */
  readonly completedIds = new Map<string, number>();

  apply(record: JournalRecord): void {
    switch (record.t) {
      case "claim": {
        const entry = this.entry(record.f, record.h);
        entry.plan = record.plan;
        entry.done.clear();
        entry.ended = undefined;
        break;
      }
      case "run": {
        const entry = this.entry(record.f, record.h);
        entry.outcomes.set(record.o.handler, fromStoredOutcome(record.o));
        entry.done.add(record.o.handler);
        break;
      }
      case "end": {
        const entry = this.entry(record.f, record.h);
        entry.ended = record.r;
        if (record.r === "ok" && record.id !== undefined)
          this.completedIds.set(record.id, record.at);
        break;
      }
      case "mv": {
        const from = keyOf(record.f, record.h);
        const entry = this.events.get(from);
        if (!entry) break;
        this.delete(from);
        this.set(keyOf(record.to, record.h), entry);
        break;
      }
      case "snap":
        this.set(keyOf(record.f, record.h), {
          sha: record.h,
          outcomes: new Map(record.outcomes.map((o) => [o.handler, fromStoredOutcome(o)])),
          plan: record.plan,
          done: new Set(record.done),
          ended: record.ended,
        });
        break;
      case "dedupe":
        this.completedIds.set(record.id, record.at);
        break;
      default:
        assertNever(record);
    }
  }

  /** The progress of the event named `name` whose bytes hash to `sha`. */
  progress(name: string, sha: string): EventProgress | undefined {
    return this.events.get(keyOf(name, sha));
  }

  /**
   * The name of the one event with these bytes that failed under another
   * name that is gone (`gone` says so): the same event, renamed on its way
   * back (`evh retry` into a taken name, a claim into a taken name in cur/),
   * or left in cur/ by a crash between its `mv` record and the rename.
   * Undefined when none, or when several could be meant.
   */
  renamedFrom(name: string, sha: string, gone: (name: string) => boolean): string | undefined {
    let found: string | undefined;
    for (const key of this.bySha.get(sha) ?? []) {
      if (this.events.get(key)?.ended !== "failed") continue;
      const other = nameOf(key);
      if (other === name || !gone(other)) continue;
      if (found !== undefined) return undefined;
      found = other;
    }
    return found;
  }

  forget(name: string, sha: string): void {
    this.delete(keyOf(name, sha));
  }

  /** Drops the progress of events whose file is gone from the spool. */
  keepOnly(exists: (name: string) => boolean): void {
    for (const key of [...this.events.keys()]) {
      if (!exists(nameOf(key))) this.delete(key);
    }
  }

  /** How many events have progress. */
  get size(): number {
    return this.events.size;
  }

  /** The records that rebuild the live part of this state: what compaction writes. */
  snapshot(dedupeSince: number): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const [id, at] of this.completedIds) {
      if (at >= dedupeSince) records.push({ t: "dedupe", id, at });
    }
    for (const [key, p] of this.events) {
      const snap: JournalRecord = {
        t: "snap",
        f: nameOf(key),
        h: p.sha,
        outcomes: [...p.outcomes.values()].map(toStoredOutcome),
        plan: p.plan,
        done: [...p.done],
      };
      records.push(p.ended ? { ...snap, ended: p.ended } : snap);
    }
    return records;
  }

  private entry(name: string, sha: string): EventProgress {
    const key = keyOf(name, sha);
    const existing = this.events.get(key);
    if (existing) return existing;
    const fresh: EventProgress = {
      sha,
      outcomes: new Map(),
      plan: null,
      done: new Set(),
      ended: undefined,
    };
    this.set(key, fresh);
    return fresh;
  }

  private set(key: string, progress: EventProgress): void {
    this.events.set(key, progress);
    const keys = this.bySha.get(progress.sha);
    if (keys) keys.add(key);
    else this.bySha.set(progress.sha, new Set([key]));
  }

  private delete(key: string): void {
    const progress = this.events.get(key);
    if (!progress) return;
    this.events.delete(key);
    const keys = this.bySha.get(progress.sha);
    keys?.delete(key);
    if (keys?.size === 0) this.bySha.delete(progress.sha);
  }
}

function assertNever(value: never): never {
  throw new Error(`journal: unknown record ${JSON.stringify(value)}`);
}
