import { OUTCOMES } from "./outcome.js";
import type { StoredOutcome } from "./stored-outcome.js";

/**
 * The journal's record types (docs/guarantees.md lists them). An event is
 * known by `f` (its spool file name) together with `h` (the hash of its
 * bytes): two events that share a name never share progress.
 */
export type JournalRecord =
  /** A round starts: a first run (plan null) or a retry of the listed handlers. */
  | { t: "claim"; f: string; h: string; plan: readonly string[] | null }
  /** One handler's final outcome (after its retries) in the current round. */
  | { t: "run"; f: string; h: string; o: StoredOutcome }
  /** The round ended; `id` feeds the dedupe window when it ended ok. */
  | { t: "end"; f: string; h: string; r: "ok" | "failed"; id?: string; at: number }
  /**
   * The agent gives the event another name (a collision on its way to
   * failed/, or a retried event claimed under a new name): its progress
   * follows it. Journaled before the rename itself.
   */
  | { t: "mv"; f: string; h: string; to: string }
  /** Compaction's summary of one event. */
  | {
      t: "snap";
      f: string;
      h: string;
      outcomes: StoredOutcome[];
      plan: readonly string[] | null;
      done: string[];
      ended?: "ok" | "failed";
    }
  /** Compaction's summary of one completed `id`. */
  | { t: "dedupe"; id: string; at: number };

type Fields = Record<string, unknown>;

/** The types of the records about one event (all but `dedupe`). */
const EVENT_TYPES: readonly string[] = ["claim", "run", "end", "mv", "snap"];

/**
 * Checks one parsed line's shape. A record of the wrong shape (a bit flip,
 * an editor, a future version) must not reach the state, where it would
 * throw at start and keep the agent down: the caller skips it and says so.
 * Returns the record, or why it is not one.
 */
export function checkRecord(value: unknown): JournalRecord | string {
  if (!isObject(value)) return `not a JSON object (${value === null ? "null" : typeof value})`;
  const r = value;
  if (r.t === "dedupe") {
    return isString(r.id) && isTime(r.at) ? (r as JournalRecord) : "dedupe needs id and at";
  }
  if (typeof r.t !== "string") return 'no record type ("t")';
  if (!EVENT_TYPES.includes(r.t)) return `unknown record type ${JSON.stringify(r.t).slice(0, 40)}`;
  if (!isString(r.f) || !isString(r.h)) return `${r.t} needs f (file name) and h (hash)`;
  switch (r.t) {
    case "claim":
      return isPlan(r.plan) ? (r as JournalRecord) : "claim needs plan (null or a list of ids)";
    case "run":
      return isOutcome(r.o) ? (r as JournalRecord) : "run needs o (a handler outcome)";
    case "end":
      return (r.r === "ok" || r.r === "failed") &&
        isTime(r.at) &&
        (r.id === undefined || isString(r.id))
        ? (r as JournalRecord)
        : "end needs r (ok|failed) and at";
    case "mv":
      return isString(r.to) ? (r as JournalRecord) : "mv needs to (the new name)";
    case "snap":
      return Array.isArray(r.outcomes) &&
        r.outcomes.every(isOutcome) &&
        isPlan(r.plan) &&
        isStringList(r.done) &&
        (r.ended === undefined || r.ended === "ok" || r.ended === "failed")
        ? (r as JournalRecord)
        : "snap needs outcomes, plan and done";
    default:
      return `unknown record type ${JSON.stringify(r.t).slice(0, 40)}`;
  }
}

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isTime(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString);
}

function isPlan(value: unknown): value is string[] | null {
  return value === null || isStringList(value);
}

function isOutcome(value: unknown): value is StoredOutcome {
  if (!isObject(value)) return false;
  const { handler, outcome, exit_code, signal, attempts } = value;
  return (
    isString(handler) &&
    (OUTCOMES as readonly unknown[]).includes(outcome) &&
    (exit_code === null || Number.isInteger(exit_code)) &&
    (signal === null || typeof signal === "string") &&
    Number.isInteger(attempts)
  );
}
