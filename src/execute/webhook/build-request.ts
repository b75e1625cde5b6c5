import { createHash } from "node:crypto";
import type { EvhEvent } from "../../events/event.js";
import type { WebhookParams, WebhookSpec } from "../../handlers/webhook.js";

/** What is sent, before it is signed (Standard Webhooks, https://www.standardwebhooks.com/). */
export interface WebhookRequest {
  readonly url: string;
  readonly method: string;
  /** `webhook-id`: the same for an event and handler on every attempt, so the receiver can deduplicate. */
  readonly id: string;
  /** `webhook-timestamp`: when this attempt was made (the signature covers it: a replay is stale). */
  readonly timestamp: Date;
  /** The handler's headers and evh's own, except `webhook-signature`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * `msg_` and a hash of the event's id and the handler's id: stable across
 * retries, restarts and `evh retry` (at-least-once delivery becomes
 * exactly-once for a receiver that remembers ids), different per handler.
 */
export function webhookId(eventId: string, handlerId: string): string {
  const digest = createHash("sha256").update(`${eventId}\0${handlerId}`).digest("base64url");
  return `msg_${digest.slice(0, 32)}`;
}

/** The params the body carries, per the handler's `params`. */
export function selectParams(
  params: Readonly<Record<string, string>>,
  which: WebhookParams,
): Record<string, string> {
  if (which === "all") return { ...params };
  const out: Record<string, string> = {};
  if (which === "none") return out;
  for (const name of which) if (Object.hasOwn(params, name)) out[name] = params[name] as string;
  return out;
}

/**
 * The request for one attempt: a JSON body `{type, timestamp, data}` whose
 * `data` is the event (its id, name, occurred_at and the selected params).
 * Pure: the same inputs give the same bytes, which is what gets signed.
 */
export function buildRequest(
  spec: WebhookSpec,
  handlerId: string,
  event: EvhEvent,
  now: Date,
): WebhookRequest {
  const body = JSON.stringify({
    type: event.event,
    timestamp: now.toISOString(),
    data: {
      id: event.eventId,
      event: event.event,
      occurred_at: event.occurredAt,
      params: selectParams(event.params, spec.params),
    },
  });
  const id = webhookId(event.eventId, handlerId);
  return {
    url: spec.url,
    method: spec.method,
    id,
    timestamp: now,
    headers: {
      ...spec.headers,
      "content-type": "application/json",
      "user-agent": "evh-webhook",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    },
    body,
  };
}
