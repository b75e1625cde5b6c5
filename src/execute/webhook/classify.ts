import type { Outcome } from "../../record/outcome.js";

/** What a response (or its absence) means for the delivery (docs/webhooks.md). */
export interface Verdict {
  readonly outcome: Outcome;
  /** Whether another attempt may help: false for a 4xx other than 408 and 429. */
  readonly retryable: boolean;
}

/**
 * 2xx is `ok`. 408, 429 and 5xx say "later": `failed`, retried per `retry`.
 * Any other status (3xx is not followed: a redirect could send the signed
 * body elsewhere; 4xx) says the request itself is wrong: `failed`, no more
 * attempts this round (`evh retry` once the receiver is fixed).
 */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return { outcome: "ok", retryable: false };
  if (status === 408 || status === 429 || status >= 500) {
    return { outcome: "failed", retryable: true };
  }
  return { outcome: "failed", retryable: false };
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent
 * or unreadable. Never negative.
 */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
