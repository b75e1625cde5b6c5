/** How one handler run ended (SPEC §4). */
export const OUTCOMES = ["ok", "failed", "timeout", "refused", "skipped"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that end an event in failed/ and are re-run by a retry. */
export function isFailure(outcome: Outcome): boolean {
  return outcome === "failed" || outcome === "timeout";
}

/**
 * One attempt of one handler: a fixed shape whatever happened (execa's
 * result). The log line of SPEC §8 is made of it (log-events.ts).
 */
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
  /** Killed at its timeout: the outcome is `timeout`. */
  readonly timedOut: boolean;
  /** A webhook's HTTP status; absent when no response came (and for commands). */
  readonly statusCode?: number;
  /** A webhook's response body: the first 4 KiB, secrets redacted. */
  readonly response?: string;
  /**
   * Stopped by the agent's shutdown (the grace period ended, or the agent
   * stopped while the run waited for resources) rather than by its own doing.
   * Its outcome is `failed`, so the event is not counted as done; it is not
   * retried within this run and runs again at the next start.
   */
  readonly canceled: boolean;
}

/** The final word on one handler for one event, after its retries. */
export interface HandlerOutcome {
  readonly handler: string;
  readonly outcome: Outcome;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly attempts: number;
  readonly timedOut: boolean;
  /** Its last attempt was canceled by the shutdown (RunRecord.canceled). */
  readonly canceled: boolean;
  /**
   * Not a final word: the shutdown came first (its last attempt failed
   * after the grace period ended, or the retries it had left were not
   * started). Not journaled; the handler runs again at the next start.
   */
  readonly interrupted: boolean;
  /**
   * Why the last attempt never started (a program that cannot be executed, a
   * params file that cannot be written: ENOSPC), so that the sidecar's
   * reason says it; absent when the process ran.
   */
  readonly error?: string;
  /** Webhook handlers only (docs/webhooks.md): the last attempt's HTTP status, when it got one. */
  readonly statusCode?: number;
  /** Webhook handlers only: the last response body's first 4 KiB, redacted (SPEC §8). */
  readonly response?: string;
  /** Webhook handlers only: how long the last attempt took. */
  readonly durationMs?: number;
}

/** The `error` text of a canceled run (`evh test --json` shows it). */
export const CANCELED = "canceled";

/** A handler whose `when` did not match the event: it did not run. */
export function skipped(handler: string): HandlerOutcome {
  return {
    handler,
    outcome: "skipped",
    exitCode: null,
    signal: null,
    attempts: 0,
    timedOut: false,
    canceled: false,
    interrupted: false,
  };
}
