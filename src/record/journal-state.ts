import type { HandlerOutcome } from "../execute/outcome.js";

/**
 * The agent's per-event progress, rebuilt by replaying the journal. Pure: no
 * I/O here, so replay is tested exhaustively on its own.
 *
 * An event is known by its spool file name plus a hash of its bytes, so a
 * different event that happens to reuse a name starts afresh.
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

export type JournalRecord =
  /** A round starts: a first run (plan null) or a retry of the listed handlers. */
  | { t: "claim"; f: string; h: string; plan: readonly string[] | null }
  /** One handler's final outcome (after its retries) in the current round. */
  | { t: "run"; f: string; h: string; o: HandlerOutcome }
  /** The round ended; `id` feeds the dedupe window when it ended ok. */
  | { t: "end"; f: string; h: string; r: "ok" | "failed"; id?: string; at: number }
  /** Compaction's summary of one event. */
  | {
      t: "snap";
      f: string;
      h: string;
      outcomes: HandlerOutcome[];
      plan: readonly string[] | null;
      done: string[];
      ended?: "ok" | "failed";
    }
  /** Compaction's summary of one completed `id`. */
  | { t: "dedupe"; id: string; at: number };

export class JournalState {
  readonly events = new Map<string, EventProgress>();
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
        entry.outcomes.set(record.o.handler, record.o);
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
      case "snap":
        this.events.set(record.f, {
          sha: record.h,
          outcomes: new Map(record.outcomes.map((o) => [o.handler, o])),
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

  /** The records that rebuild the live part of this state: what compaction writes. */
  snapshot(
    keep: (name: string, progress: EventProgress) => boolean,
    dedupeSince: number,
  ): JournalRecord[] {
    const records: JournalRecord[] = [];
    for (const [id, at] of this.completedIds) {
      if (at >= dedupeSince) records.push({ t: "dedupe", id, at });
    }
    for (const [f, p] of this.events) {
      if (!keep(f, p)) continue;
      const snap: JournalRecord = {
        t: "snap",
        f,
        h: p.sha,
        outcomes: [...p.outcomes.values()],
        plan: p.plan,
        done: [...p.done],
      };
      records.push(p.ended ? { ...snap, ended: p.ended } : snap);
    }
    return records;
  }

  /** The entry for `name`, replaced by a fresh one when the bytes differ (a new event, same name). */
  private entry(name: string, sha: string): EventProgress {
    const existing = this.events.get(name);
    if (existing && existing.sha === sha) return existing;
    const fresh: EventProgress = {
      sha,
      outcomes: new Map(),
      plan: null,
      done: new Set(),
      ended: undefined,
    };
    this.events.set(name, fresh);
    return fresh;
  }
}

function assertNever(value: never): never {
  throw new Error(`journal: unknown record ${JSON.stringify(value)}`);
}
