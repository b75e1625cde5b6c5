import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import { type HandlerOutcome, isFailure, type RunRecord } from "../record/outcome.js";
import { pause } from "./pause.js";
import { type RunContext, runHandler } from "./run-handler.js";

/**
 * A run context whose attempt number the retry loop owns: it counts from 1
 * itself, and an `attempt` given here is ignored (so a plain RunContext fits).
 * `stop` (the agent is shutting down) lets a running attempt finish but
 * starts no further one: a backoff under way ends at once.
 */
export type RetryContext = Omit<RunContext, "attempt"> & {
  readonly attempt?: number;
  readonly stop?: AbortSignal;
};

/**
 * Runs a handler up to `1 + retry.attempts` times while it ends `failed` or
 * `timeout`, waiting `backoffMs * 2^(n-1)` after attempt n. Each attempt's
 * record goes to `onAttempt` (to be journaled) before the next starts. A
 * cancel ends the loop at once, during a run or a backoff; `stop` ends it
 * after the running attempt. Returns the last attempt's outcome: a failure
 * with fewer attempts than allowed was cut short by one of them.
 */
export async function runWithRetry(
  handler: Handler,
  event: EvhEvent,
  ctx: RetryContext,
  onAttempt: (record: RunRecord) => void | Promise<void>,
): Promise<HandlerOutcome> {
  const maxAttempts = 1 + handler.retry.attempts;
  let record: RunRecord;
  for (let attempt = 1; ; attempt++) {
    const run = await runAttempt(handler, event, { ...ctx, attempt });
    record = run.record;
    await onAttempt(record);
    if (!isFailure(record.outcome) || record.canceled || attempt >= maxAttempts) break;
    if (!run.retryable) break;
    const backoffMs = handler.retry.backoffMs * 2 ** (attempt - 1);
    const waitMs = honourRetryAfter(backoffMs, run.retryAfterMs, handler.retry);
    if (ctx.stop?.aborted || !(await pause(waitMs, ctx.signal, ctx.stop))) break;
  }
  const failed = isFailure(record.outcome);
  return {
    handler: handler.id,
    outcome: record.outcome,
    exitCode: record.exitCode,
    signal: record.signal,
    attempts: record.attempt,
    timedOut: record.timedOut,
    canceled: record.canceled,
    // Killed by the shutdown, or its retries cut short by it: not an outcome.
    interrupted:
      (record.outcome !== "ok" && ctx.signal.aborted) ||
      (failed && ctx.stop?.aborted === true && record.attempt < maxAttempts),
    ...(neverStarted(record) ? { error: record.error } : {}),
    ...(handler.webhook === undefined ? {} : webhookFields(record)),
  };
}

// --- webhook adapter (docs/webhooks.md) -------------------------------------
// The one place where a handler is run dispatches on `command` vs `webhook`;
// everything webhook-specific lives in ./webhook/.

interface Attempt {
  readonly record: RunRecord;
  /** False when another attempt cannot help (a webhook's 4xx other than 408/429). */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
}

async function runAttempt(handler: Handler, event: EvhEvent, ctx: RunContext): Promise<Attempt> {
  const { webhook } = handler;
  if (webhook === undefined) {
    return {
      record: await runHandler(handler, event, ctx),
      retryable: true,
      retryAfterMs: undefined,
    };
  }
  // Loaded on the first webhook run: an agent with command handlers only never loads the
  // HTTP client and signing modules (a smaller start-up graph, fewer files open at once).
  const { runWebhook } = await import("./webhook/run-webhook.js");
  return runWebhook({ ...handler, webhook }, event, ctx);
}

/**
 * The receiver's `Retry-After` is honoured up to the policy's cap (the
 * longest backoff `retry` would ever wait), never below the backoff itself:
 * a receiver can slow evh down, not stall the queue or hurry it.
 */
function honourRetryAfter(
  backoffMs: number,
  retryAfterMs: number | undefined,
  retry: Handler["retry"],
): number {
  if (retryAfterMs === undefined) return backoffMs;
  const capMs = retry.backoffMs * 2 ** Math.max(0, retry.attempts - 1);
  return Math.max(backoffMs, Math.min(retryAfterMs, capMs));
}

/** The outcome's webhook fields (record/stored-outcome.ts writes them in snake_case). */
function webhookFields(record: RunRecord) {
  return {
    ...(record.statusCode === undefined ? {} : { statusCode: record.statusCode }),
    ...(record.response === undefined ? {} : { response: record.response.slice(0, 4096) }),
    durationMs: record.durationMs,
  };
}
// --- end of the webhook adapter ----------------------------------------------

/** A failure with neither exit status nor signal: the process never ran. */
function neverStarted(record: RunRecord): record is RunRecord & { error: string } {
  return (
    record.outcome === "failed" &&
    record.exitCode === null &&
    record.signal === null &&
    record.error !== undefined &&
    !record.canceled
  );
}
