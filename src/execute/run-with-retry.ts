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
    record = await runHandler(handler, event, { ...ctx, attempt });
    await onAttempt(record);
    if (!isFailure(record.outcome) || record.canceled || attempt >= maxAttempts) break;
    const backoffMs = handler.retry.backoffMs * 2 ** (attempt - 1);
    if (ctx.stop?.aborted || !(await pause(backoffMs, ctx.signal, ctx.stop))) break;
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
  };
}

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
