import type { EvhEvent } from "../../events/event.js";
import type { Handler } from "../../handlers/handler.js";
import { loadSecretKey } from "../../handlers/secret-file.js";
import type { WebhookSpec } from "../../handlers/webhook.js";
import { CANCELED, type RunRecord } from "../../record/outcome.js";
import { Redactor } from "../../record/redact.js";
import { buildRequest } from "./build-request.js";
import { classifyStatus, retryAfterMs } from "./classify.js";
import { deliver } from "./deliver.js";
import { signRequest } from "./sign.js";

export interface WebhookAttempt {
  readonly record: RunRecord;
  /** Whether the retry loop may try again (false after a 4xx other than 408/429). */
  readonly retryable: boolean;
  /** The receiver's `Retry-After`, in ms. */
  readonly retryAfterMs: number | undefined;
}

export interface WebhookRunContext {
  readonly attempt: number;
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
}

/**
 * One delivery attempt of a webhook handler, as a run record of the same
 * shape as a command's: `exitCode` and `signal` are null, `statusCode`,
 * `response` (first 4 KiB, secrets masked) and `durationMs` say what the
 * receiver did. The signing key is read from its file at every attempt (a
 * rotated key takes effect at once) and goes nowhere else.
 */
export async function runWebhook(
  handler: Handler & { webhook: WebhookSpec },
  event: EvhEvent,
  ctx: WebhookRunContext,
): Promise<WebhookAttempt> {
  const spec = handler.webhook;
  const base = {
    handler: handler.id,
    attempt: ctx.attempt,
    exitCode: null,
    signal: null,
    stdout: "",
    stderr: "",
  };
  if (ctx.signal.aborted) {
    const record: RunRecord = {
      ...base,
      outcome: "failed",
      durationMs: 0,
      error: CANCELED,
      timedOut: false,
      canceled: true,
    };
    return { record, retryable: false, retryAfterMs: undefined };
  }
  // Checked again at every delivery, not only at load: a key file made
  // readable to others since is not used to sign anything.
  const loaded = loadSecretKey(spec.secretFile, process.getuid?.() ?? 0);
  if ("problem" in loaded) {
    const record: RunRecord = {
      ...base,
      outcome: "failed",
      durationMs: 0,
      error: loaded.problem,
      timedOut: false,
      canceled: false,
    };
    // The file can be fixed while the retries wait.
    return { record, retryable: true, retryAfterMs: undefined };
  }
  const request = buildRequest(spec, handler.id, event, new Date());
  const signed = {
    ...request,
    headers: { ...request.headers, "webhook-signature": signRequest(request, loaded.key) },
  };
  const result = await deliver(signed, {
    timeoutMs: spec.timeoutMs,
    caFile: spec.caFile,
    signal: ctx.signal,
  });
  if (result.kind === "error") {
    const outcome = result.timedOut ? "timeout" : "failed";
    const error = result.canceled ? CANCELED : result.error;
    const record: RunRecord = {
      ...base,
      outcome,
      durationMs: result.durationMs,
      error,
      timedOut: result.timedOut,
      canceled: result.canceled,
    };
    return { record, retryable: !result.canceled, retryAfterMs: undefined };
  }
  const verdict = classifyStatus(result.status);
  const secrets = ctx.redactor.secretValues(event.params);
  const response = Redactor.maskText(result.body.toString("utf8"), secrets);
  const record: RunRecord = {
    ...base,
    outcome: verdict.outcome,
    durationMs: result.durationMs,
    error: verdict.outcome === "ok" ? undefined : `HTTP ${result.status}`,
    statusCode: result.status,
    response,
    timedOut: false,
    canceled: false,
  };
  return {
    record,
    retryable: verdict.retryable,
    retryAfterMs: retryAfterMs(result.retryAfter),
  };
}
