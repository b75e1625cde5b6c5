import type { HandlerOutcome, Outcome } from "./outcome.js";

/**
 * A handler's final outcome as the journal's `run` and `snap` records and a
 * failed event's sidecar store it (docs/guarantees.md, SPEC §4): snake_case,
 * these fields in this order, `error` only when the process never started.
 * Other programs read these files: the agent's own record may change, this
 * may not.
 */
export interface StoredOutcome {
  readonly handler: string;
  readonly outcome: Outcome;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly attempts: number;
  readonly error?: string;
  /** Webhook handlers only (docs/webhooks.md). */
  readonly status_code?: number;
  readonly response?: string;
  readonly duration_ms?: number;
}

export function toStoredOutcome(o: HandlerOutcome): StoredOutcome {
  return {
    handler: o.handler,
    outcome: o.outcome,
    exit_code: o.exitCode,
    signal: o.signal,
    attempts: o.attempts,
    ...(o.error === undefined ? {} : { error: o.error }),
    ...(o.statusCode === undefined ? {} : { status_code: o.statusCode }),
    ...(o.response === undefined ? {} : { response: o.response }),
    ...(o.durationMs === undefined ? {} : { duration_ms: o.durationMs }),
  };
}

/** Only final words are stored: what is read back was neither canceled nor interrupted. */
export function fromStoredOutcome(s: StoredOutcome): HandlerOutcome {
  return {
    handler: s.handler,
    outcome: s.outcome,
    exitCode: s.exit_code,
    signal: s.signal,
    attempts: s.attempts,
    timedOut: s.outcome === "timeout",
    canceled: false,
    interrupted: false,
    ...(s.error === undefined ? {} : { error: s.error }),
    ...(s.status_code === undefined ? {} : { statusCode: s.status_code }),
    ...(s.response === undefined ? {} : { response: s.response }),
    ...(s.duration_ms === undefined ? {} : { durationMs: s.duration_ms }),
  };
}
