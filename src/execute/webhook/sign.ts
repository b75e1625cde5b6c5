import { Webhook } from "standardwebhooks";
import type { WebhookRequest } from "./build-request.js";

/**
 * `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`, made
 * by the standardwebhooks library rather than by hand: the receivers verify
 * with the same specification's libraries.
 */
export function signRequest(request: WebhookRequest, key: string): string {
  return new Webhook(key).sign(request.id, request.timestamp, request.body);
}
