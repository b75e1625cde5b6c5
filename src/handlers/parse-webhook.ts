import { isIP } from "node:net";
import path from "node:path";
import { isMap, isSeq } from "yaml";
import { didYouMean, hint } from "../events/did-you-mean.js";
import { parseBoolean, parseDurationEntry } from "./handler-fields.js";
import type { ParseContext } from "./parse-context.js";
import { DEFAULT_WEBHOOK_TIMEOUT_MS, type WebhookParams, type WebhookSpec } from "./webhook.js";
import {
  type DocumentReport,
  describe,
  type Entry,
  scalarText,
  stringValue,
} from "./yaml-nodes.js";

export const WEBHOOK_KEYS = [
  "url",
  "method",
  "headers",
  "secret_file",
  "timeout",
  "params",
  "ca_file",
  "allow_insecure",
] as const;
type WebhookKey = (typeof WEBHOOK_KEYS)[number];

/** A body is what a webhook is for: methods without one make no sense here. */
const METHODS = ["POST", "PUT", "PATCH"] as const;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PARAM_NAME = /^[A-Z][A-Z0-9_]*$/;
/** Headers evh sets itself: the signature covers exactly what it sends. */
const RESERVED_HEADERS = [
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "content-type",
  "content-length",
  "host",
  "connection",
  "transfer-encoding",
];

/**
 * Validates a handler's `webhook:` map, reporting each problem on its line.
 * Returns undefined when anything is wrong.
 */
export function parseWebhook(
  entry: Entry,
  report: DocumentReport,
  ctx: ParseContext,
): WebhookSpec | undefined {
  const node = entry.value;
  if (!isMap(node)) {
    report.error(
      entry.line,
      `webhook must be a map like { url: https://..., secret_file: /etc/evh/keys/x }, got ${describe(node)}`,
    );
    return undefined;
  }
  const fields = new Map<WebhookKey, Entry>();
  let ok = true;
  for (const field of report.entries(node, entry.line)) {
    if ((WEBHOOK_KEYS as readonly string[]).includes(field.key)) {
      fields.set(field.key as WebhookKey, field);
    } else {
      report.error(
        field.line,
        `webhook: unknown key ${JSON.stringify(field.key)}${hint(didYouMean(field.key, WEBHOOK_KEYS))}; allowed keys: ${WEBHOOK_KEYS.join(", ")}`,
      );
      ok = false;
    }
  }
  const field = <T>(key: WebhookKey, parse: (e: Entry) => T | undefined, fallback: T) => {
    const e = fields.get(key);
    if (e === undefined) return fallback;
    const value = parse(e);
    if (value === undefined) ok = false;
    return value;
  };
  const allowInsecure = field(
    "allow_insecure",
    (e) => parseBoolean({ ...e, key: "webhook.allow_insecure" }, report),
    false,
  );
  const urlEntry = fields.get("url");
  if (urlEntry === undefined) {
    report.error(entry.line, "webhook.url is required");
    ok = false;
  }
  const url = urlEntry && parseUrl(urlEntry, report, allowInsecure ?? false);
  if (urlEntry && url === undefined) ok = false;
  const method = field("method", (e) => parseMethod(e, report), "POST");
  const headers = field("headers", (e) => parseHeaders(e, report), {});
  const secretEntry = fields.get("secret_file");
  if (secretEntry === undefined) {
    report.error(
      entry.line,
      "webhook.secret_file is required: the path of a root-owned 0600 file holding the whsec_ signing key (never the key itself)",
    );
    ok = false;
  }
  const secretFile = secretEntry && parsePath(secretEntry, "webhook.secret_file", report, ctx);
  if (secretEntry && secretFile !== undefined) {
    const problem = ctx.secretFileCheck?.(secretFile);
    if (problem !== undefined) {
      report.error(secretEntry.line, `webhook.${problem}`);
      ok = false;
    }
  } else if (secretEntry) ok = false;
  const timeoutMs = field(
    "timeout",
    (e) => parseDurationEntry(e, report, "webhook.timeout"),
    DEFAULT_WEBHOOK_TIMEOUT_MS,
  );
  const params = field("params", (e) => parseParams(e, report), "all" as WebhookParams);
  const caFile = field(
    "ca_file",
    (e) => {
      const file = parsePath(e, "webhook.ca_file", report, ctx);
      const problem = file === undefined ? undefined : ctx.caFileCheck?.(file);
      if (problem !== undefined) report.error(e.line, `webhook.ca_file: ${problem}`);
      return problem === undefined ? file : undefined;
    },
    undefined as string | undefined,
  );
  if (
    !ok ||
    url === undefined ||
    method === undefined ||
    headers === undefined ||
    secretFile === undefined ||
    timeoutMs === undefined ||
    params === undefined ||
    allowInsecure === undefined
  ) {
    return undefined;
  }
  return {
    url,
    method,
    headers,
    secretFile,
    timeoutMs,
    params,
    caFile,
    allowInsecure,
  };
}

function parseUrl(
  entry: Entry,
  report: DocumentReport,
  allowInsecure: boolean,
): string | undefined {
  const text = stringValue(entry.value);
  let url: URL | undefined;
  try {
    url = text === undefined ? undefined : new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    report.error(entry.line, `webhook.url must be an https:// URL, got ${describe(entry.value)}`);
    return undefined;
  }
  if (url.username !== "" || url.password !== "") {
    report.error(
      entry.line,
      "webhook.url must not hold a user or password: it would show in logs and evh test (fix: put an Authorization header in webhook.headers)",
    );
    return undefined;
  }
  if (url.protocol === "http:" && !allowInsecure && !isLoopback(url.hostname)) {
    report.error(
      entry.line,
      `webhook.url: http:// is allowed only to a loopback address (127.0.0.1, ::1, localhost), got host ${url.hostname}; use https://, or set allow_insecure: true if the network is trusted`,
    );
    return undefined;
  }
  return url.href;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

function parseMethod(entry: Entry, report: DocumentReport): string | undefined {
  const value = stringValue(entry.value)?.toUpperCase();
  if (value !== undefined && (METHODS as readonly string[]).includes(value)) return value;
  report.error(
    entry.line,
    `webhook.method must be ${METHODS.join(", ")}, got ${describe(entry.value)}`,
  );
  return undefined;
}

function parseHeaders(entry: Entry, report: DocumentReport): Record<string, string> | undefined {
  const node = entry.value;
  if (!isMap(node)) {
    report.error(entry.line, `webhook.headers must be a map of Name: value, got ${describe(node)}`);
    return undefined;
  }
  const headers: Record<string, string> = Object.create(null);
  let ok = true;
  for (const header of report.entries(node, entry.line)) {
    const value = scalarText(header.value);
    let problem: string | undefined;
    if (!HEADER_NAME.test(header.key)) {
      problem = `webhook.headers: ${JSON.stringify(header.key)} is not a header name`;
    } else if (RESERVED_HEADERS.includes(header.key.toLowerCase())) {
      problem = `webhook.headers: ${header.key} is set by evh itself; remove it`;
    } else if (value === undefined || /[\r\n\0]/.test(value)) {
      problem = `webhook.headers ${header.key} must be a one-line string, got ${describe(header.value)}`;
    }
    if (problem !== undefined) {
      report.error(header.line, problem);
      ok = false;
    } else headers[header.key] = value as string;
  }
  return ok ? headers : undefined;
}

function parseParams(entry: Entry, report: DocumentReport): WebhookParams | undefined {
  const node = entry.value;
  const expected = "webhook.params must be all, none or a list of param names";
  if (isSeq(node)) {
    const names: string[] = [];
    for (const raw of node.items) {
      const item = report.resolve(raw);
      const name = stringValue(item);
      if (name === undefined || !PARAM_NAME.test(name)) {
        report.error(
          report.lineOf(item, entry.line),
          `${expected}; ${describe(item)} is not a param name (like NEW_LOGIN_NAME)`,
        );
        return undefined;
      }
      names.push(name);
    }
    return names;
  }
  const value = stringValue(node);
  if (value === "all" || value === "none") return value;
  report.error(entry.line, `${expected}, got ${describe(node)}`);
  return undefined;
}

function parsePath(
  entry: Entry,
  name: string,
  report: DocumentReport,
  ctx: ParseContext,
): string | undefined {
  const value = stringValue(entry.value);
  if (value !== undefined && value !== "" && !value.includes("\0")) {
    if (path.isAbsolute(value)) return value;
    if (ctx.baseDir !== undefined) return path.resolve(ctx.baseDir, value);
  }
  report.error(entry.line, `${name} must be an absolute path, got ${describe(entry.value)}`);
  return undefined;
}
