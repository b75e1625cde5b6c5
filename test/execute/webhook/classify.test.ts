import { describe, expect, it } from "vitest";
import { webhookId } from "../../../src/execute/webhook/build-request.js";
import { classifyStatus, retryAfterMs } from "../../../src/execute/webhook/classify.js";

describe("classifyStatus", () => {
  it("2xx ok; 408, 429 and 5xx retried; 3xx and other 4xx not", () => {
    const verdicts = [200, 204, 299, 301, 400, 401, 404, 408, 409, 429, 500, 503].map((s) => [
      s,
      classifyStatus(s).outcome,
      classifyStatus(s).retryable,
    ]);
    expect(verdicts).toEqual([
      [200, "ok", false],
      [204, "ok", false],
      [299, "ok", false],
      [301, "failed", false],
      [400, "failed", false],
      [401, "failed", false],
      [404, "failed", false],
      [408, "failed", true],
      [409, "failed", false],
      [429, "failed", true],
      [500, "failed", true],
      [503, "failed", true],
    ]);
  });
});

describe("retryAfterMs", () => {
  it("reads delta-seconds and HTTP dates, never negative", () => {
    const now = Date.parse("2026-12-03T12:00:00Z");
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Thu, 03 Dec 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Thu, 03 Dec 2026 11:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe("webhookId", () => {
  it("is the same for an event and handler every time, different per handler and event", () => {
    const id = webhookId("1764324000000-42-ab12", "crm-hook");
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(webhookId("1764324000000-42-ab12", "crm-hook")).toBe(id);
    expect(webhookId("1764324000000-42-ab12", "billing")).not.toBe(id);
    expect(webhookId("1764324000001-42-ab12", "crm-hook")).not.toBe(id);
  });
});
