/** How one handler run ended (SPEC §4). */
export const OUTCOMES = ["ok", "failed", "timeout", "refused", "skipped"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that end an event in failed/ and are re-run by a retry. */
export function isFailure(outcome: Outcome): boolean {
  return outcome === "failed" || outcome === "timeout";
}

/** One attempt of one handler: a fixed shape whatever happened. */
export interface RunRecord {
  readonly handler: string;
  readonly attempt: number;
  readonly outcome: Outcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  /** Last 64 KiB, decoded with the handler's encoding, secrets redacted. */
  readonly stdout: string;
  readonly stderr: string;
  /** Why it could not start, was refused, or how it failed, in one line. */
  readonly error: string | undefined;
  /** A webhook's HTTP status; absent when no response came (and for commands). */
  readonly statusCode?: number;
  /** A webhook's response body: the first 4 KiB, secrets redacted. */
  readonly response?: string;
}

/** The final word on one handler for one event, after retries (the sidecar's `outcomes`). */
export interface HandlerOutcome {
  readonly handler: string;
  readonly outcome: Outcome;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly attempts: number;
  /**
   * Why the last attempt never started (a program that cannot be executed, a
   * params file that cannot be written: ENOSPC), so that the sidecar's
   * reason says it; absent when the process ran.
   */
  readonly error?: string;
  /** Webhook handlers only (docs/webhooks.md): the last attempt's HTTP status, when it got one. */
  readonly status_code?: number;
  /** Webhook handlers only: the last response body's first 4 KiB, redacted (SPEC §8). */
  readonly response?: string;
  /** Webhook handlers only: how long the last attempt took. */
  readonly duration_ms?: number;
}

/**
 * The `error` of a run stopped because the agent is shutting down. Its
 * outcome is `failed`, so the event is not counted as done and resumes at
 * the next start; it is not retried within this run.
 */
export const CANCELED = "canceled";

/** Whether a run was stopped by the agent's shutdown rather than by its own doing. */
export function isCanceled(record: RunRecord): boolean {
  return record.error === CANCELED;
}
