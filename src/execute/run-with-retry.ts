import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import { clampDelay } from "./clamp-delay.js";
import { type HandlerOutcome, isCanceled, isFailure, type RunRecord } from "./outcome.js";
import { type RunContext, runHandler } from "./run-handler.js";

/**
 * A run context whose attempt number the retry loop owns: it counts from 1
 * itself, and an `attempt` given here is ignored (so a plain RunContext fits).
 */
export type RetryContext = Omit<RunContext, "attempt"> & { readonly attempt?: number };

/**
 * Runs a handler up to `1 + retry.attempts` times while it ends `failed` or
 * `timeout`, waiting `backoffMs * 2^(n-1)` after attempt n. Each attempt's
 * record goes to `onAttempt` (to be journaled) before the next starts. A
 * cancel (agent shutdown) ends the loop at once, during a run or a backoff.
 * Returns the last attempt's outcome.
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
    if (!isFailure(record.outcome) || isCanceled(record) || attempt >= maxAttempts) break;
    const backoffMs = handler.retry.backoffMs * 2 ** (attempt - 1);
    if (!(await pause(backoffMs, ctx.signal))) break;
  }
  return {
    handler: handler.id,
    outcome: record.outcome,
    exit_code: record.exitCode,
    signal: record.signal,
    attempts: record.attempt,
  };
}

/** Waits `ms`; false if `signal` aborted first. The timer is cleared on abort, so it keeps nothing alive. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, clampDelay(ms));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
