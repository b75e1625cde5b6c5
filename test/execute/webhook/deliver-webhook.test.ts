import { chmodSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runWithRetry } from "../../../src/execute/run-with-retry.js";
import { closeWebhookConnections } from "../../../src/execute/webhook/deliver.js";
import type { Handler } from "../../../src/handlers/handler.js";
import { DEFAULT_WEBHOOK_TIMEOUT_MS, type WebhookSpec } from "../../../src/handlers/webhook.js";
import type { RunRecord } from "../../../src/record/outcome.js";
import { toStoredOutcome } from "../../../src/record/stored-outcome.js";
import { makeTempRoot, type TempRoot } from "../../helpers/temp-root.js";
import {
  type Receiver,
  selfSignedCert,
  startReceiver,
  writeKey,
} from "../../helpers/webhook-receiver.js";
import { makeContext, makeEvent, makeHandler } from "../fixtures.js";

let root: TempRoot;
let receiver: Receiver | undefined;
beforeEach(() => {
  root = makeTempRoot("evh-webhook-");
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  closeWebhookConnections();
  root.cleanup();
});

function webhookHandler(url: string, spec: Partial<WebhookSpec> = {}, more: Partial<Handler> = {}) {
  const webhook: WebhookSpec = {
    url,
    method: "POST",
    headers: { "X-Tenant": "acme" },
    secretFile: writeKey(root.path("key")),
    timeoutMs: DEFAULT_WEBHOOK_TIMEOUT_MS,
    params: "all",
    caFile: undefined,
    allowInsecure: false,
    ...spec,
  };
  return makeHandler([], { webhook, id: "crm-hook", ...more });
}

async function run(handler: Handler, params: Record<string, string> = {}) {
  const records: RunRecord[] = [];
  const event = { ...makeEvent(), params: { NEW_LOGIN_NAME: "jmueller", ...params } };
  const outcome = await runWithRetry(handler, event, makeContext(root.varDir), (r) => {
    records.push(r);
  });
  return { outcome, records, event };
}

describe("webhook delivery", () => {
  it("sends a Standard Webhooks request the standardwebhooks verifier accepts", async () => {
    receiver = await startReceiver();
    const { outcome, records, event } = await run(webhookHandler(receiver.url));
    expect(outcome).toMatchObject({
      handler: "crm-hook",
      outcome: "ok",
      attempts: 1,
      statusCode: 200,
    });
    expect(records[0]).toMatchObject({ outcome: "ok", statusCode: 200, response: "ok" });
    const got = receiver.received[0];
    expect(got?.verified).toEqual({
      type: event.event,
      timestamp: expect.any(String),
      data: {
        id: event.eventId,
        event: event.event,
        occurred_at: event.occurredAt,
        params: { NEW_LOGIN_NAME: "jmueller" },
      },
    });
    expect(got?.headers["x-tenant"]).toBe("acme");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it("retries 503, 503 then 200 with the backoff, under one webhook-id", async () => {
    receiver = await startReceiver();
    receiver.answer((_, n) => (n < 3 ? { status: 503, body: "busy" } : { status: 200 }));
    const { outcome, records } = await run(
      webhookHandler(receiver.url, {}, { retry: { attempts: 3, backoffMs: 200 } }),
    );
    expect(records.map((r) => [r.attempt, r.outcome, r.statusCode])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "ok", 200],
    ]);
    expect(outcome).toMatchObject({ outcome: "ok", attempts: 3 });
    const [a, b, c] = receiver.received;
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
    expect(receiver.received.every((r) => r.verified !== undefined)).toBe(true);
    // Backoff 200 ms, then 400 ms (a lower bound: the machine may be slower, never faster).
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(190);
    expect((c?.at ?? 0) - (b?.at ?? 0)).toBeGreaterThanOrEqual(390);
  });

  it("honours Retry-After up to the backoff's cap", async () => {
    receiver = await startReceiver();
    receiver.answer((_, n) =>
      n === 1 ? { status: 429, headers: { "Retry-After": "1" } } : { status: 200 },
    );
    await run(webhookHandler(receiver.url, {}, { retry: { attempts: 2, backoffMs: 600 } }));
    const [a, b] = receiver.received;
    // Cap 1.2 s (600 ms doubled once): the 1 s asked for is honoured over the 600 ms backoff.
    expect((b?.at ?? 0) - (a?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it("caps a long Retry-After at the backoff's cap", async () => {
    receiver = await startReceiver();
    receiver.answer((_, n) =>
      n === 1 ? { status: 503, headers: { "Retry-After": "3600" } } : { status: 200 },
    );
    const started = Date.now();
    const { outcome } = await run(
      webhookHandler(receiver.url, {}, { retry: { attempts: 1, backoffMs: 100 } }),
    );
    expect(outcome).toMatchObject({ outcome: "ok", attempts: 2 });
    // An hour asked for, 100 ms allowed: generous for a busy machine, far from an hour.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("does not sign with a key file that became readable to others since it was loaded", async () => {
    receiver = await startReceiver();
    const handler = webhookHandler(receiver.url);
    chmodSync(root.path("key"), 0o644);
    const { outcome } = await run(handler);
    expect(receiver.received).toHaveLength(0);
    expect(outcome).toMatchObject({
      outcome: "failed",
      error: `secret_file ${root.path("key")} can be read or written by group or others (mode 0644) (fix: chmod 600 ${root.path("key")})`,
    });
  });

  it("does not retry a 400 this round; the outcome holds the status and the redacted body", async () => {
    receiver = await startReceiver();
    receiver.answer(() => ({ status: 400, body: "bad password s3cr3t-value for jmueller" }));
    const { outcome } = await run(
      webhookHandler(receiver.url, {}, { retry: { attempts: 3, backoffMs: 10 } }),
      { NEW_PASSWORD: "s3cr3t-value" },
    );
    expect(receiver.received).toHaveLength(1);
    // As the journal and the sidecar store it.
    expect(toStoredOutcome(outcome)).toEqual({
      handler: "crm-hook",
      outcome: "failed",
      exit_code: null,
      signal: null,
      attempts: 1,
      error: "HTTP 400",
      status_code: 400,
      response: "bad password *** for jmueller",
      duration_ms: expect.any(Number),
    });
  });

  it("times out on a receiver that never answers", async () => {
    receiver = await startReceiver();
    receiver.answer(() => "hang");
    const { outcome, records } = await run(webhookHandler(receiver.url, { timeoutMs: 300 }));
    expect(records[0]).toMatchObject({ outcome: "timeout", error: "timed out after 300 ms" });
    expect(outcome).toMatchObject({ outcome: "timeout", attempts: 1 });
    expect(outcome.statusCode).toBeUndefined();
  });

  it("fails a refused connection, and sends only the params asked for", async () => {
    receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const { outcome } = await run(webhookHandler(url));
    expect(outcome).toMatchObject({
      outcome: "failed",
      error: expect.stringMatching(/ECONNREFUSED 127.0.0.1/),
    });

    receiver = await startReceiver();
    await run(webhookHandler(receiver.url, { params: ["NEW_LOGIN_NAME"] }), { NEW_PASSWORD: "pw" });
    await run(webhookHandler(receiver.url, { params: "none" }), { NEW_PASSWORD: "pw" });
    const params = receiver.received.map(
      (r) => (r.verified as { data: { params: unknown } }).data.params,
    );
    expect(params).toEqual([{ NEW_LOGIN_NAME: "jmueller" }, {}]);
  });

  it("checks an https receiver against ca_file, and refuses it without", async () => {
    const cert = selfSignedCert();
    try {
      receiver = await startReceiver({ tls: cert });
      const withCa = await run(webhookHandler(receiver.url, { caFile: cert.certFile }));
      expect(withCa.outcome).toMatchObject({ outcome: "ok", statusCode: 200 });
      expect(receiver.received[0]?.verified).toBeDefined();
      const without = await run(webhookHandler(receiver.url));
      expect(without.outcome).toMatchObject({
        outcome: "failed",
        error: expect.stringMatching(/^DEPTH_ZERO_SELF_SIGNED_CERT/),
      });
    } finally {
      cert.cleanup();
    }
  });
});
