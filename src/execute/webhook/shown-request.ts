import type { EvhEvent } from "../../events/event.js";
import type { WebhookSpec } from "../../handlers/webhook.js";
import { MASK, type Redactor } from "../../record/redact.js";
import { buildRequest } from "./build-request.js";

/** The request `evh test` shows: exactly what would be sent, with every secret masked. */
export interface ShownRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Header names whose values are credentials, whatever the `redact:` list says. */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

/**
 * The signed request with the signature shown as `v1,***` (it is the proof
 * of the key, and never needed to read the request), secret params masked
 * in the body (SPEC §8), and credential headers (Authorization, anything
 * named like a secret: X-Api-Token) masked. The key itself is never read.
 */
export function shownRequest(
  spec: WebhookSpec,
  handlerId: string,
  event: EvhEvent,
  redactor: Redactor,
  now = new Date(),
): ShownRequest {
  const masked: EvhEvent = { ...event, params: redactor.maskVars(event.params) };
  const request = buildRequest(spec, handlerId, masked, now);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const secret = CREDENTIAL_HEADERS.includes(name.toLowerCase()) || redactor.isSecret(name);
    headers[name] = secret ? MASK : value;
  }
  headers["webhook-signature"] = `v1,${MASK}`;
  return { method: request.method, url: request.url, headers, body: request.body };
}
