/** Which params a webhook's body carries: all of them, none, or the named ones. */
export type WebhookParams = "all" | "none" | readonly string[];

/** The `webhook:` map of a handler (SPEC §3, docs/webhooks.md), validated. */
export interface WebhookSpec {
  /** http: only to a loopback address unless `allowInsecure`. */
  readonly url: string;
  /** @defaultValue "POST" */
  readonly method: string;
  /** Extra request headers; the `webhook-*` and content headers are evh's own. */
  readonly headers: Readonly<Record<string, string>>;
  /** Absolute path of the file holding the `whsec_` signing key; read at every delivery, never kept in the handler. */
  readonly secretFile: string;
  /** 0 = none. @defaultValue 30000 */
  readonly timeoutMs: number;
  /** @defaultValue "all" */
  readonly params: WebhookParams;
  /** A PEM file of the private CA the receiver's certificate is checked against. @defaultValue the system's CAs */
  readonly caFile: string | undefined;
  /** http: to a host other than loopback. @defaultValue false */
  readonly allowInsecure: boolean;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 30_000;
