import http from "node:http";
import https from "node:https";
import { readCaFile } from "../../handlers/secret-file.js";
import type { WebhookRequest } from "./build-request.js";

/** How much of a response body is kept for the run record and the sidecar. */
export const RESPONSE_KEPT_BYTES = 4096;

export type Delivery =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly retryAfter: string | undefined;
      /** The body's first 4 KiB. */
      readonly body: Buffer;
      readonly durationMs: number;
    }
  | {
      readonly kind: "error";
      /** One line: the connection error, the timeout, or `canceled`. */
      readonly error: string;
      readonly timedOut: boolean;
      readonly canceled: boolean;
      readonly durationMs: number;
    };

export interface DeliverOptions {
  /** 0 = none. Covers connecting, sending and the whole response. */
  readonly timeoutMs: number;
  /** A PEM file of a private CA; else the system's CAs. */
  readonly caFile: string | undefined;
  /** The agent's shutdown. */
  readonly signal: AbortSignal;
}

/**
 * One keep-alive agent per scheme and CA: consecutive deliveries to the same
 * receiver reuse the connection (and its TLS session).
 *
 * node:http/https rather than the global fetch: fetch takes a private CA
 * only through an undici `dispatcher`, which needs the undici package on
 * Node 20; node:https takes `ca` itself, so every delivery has one code path
 * and no dependency, with the same keep-alive.
 */
const agents = new Map<string, http.Agent>();

function agentFor(url: URL, ca: string | undefined): http.Agent {
  const key = `${url.protocol}${ca ?? ""}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent =
      url.protocol === "https:"
        ? new https.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) })
        : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

/** Closes the idle keep-alive connections, so that nothing keeps the process alive. */
export function closeWebhookConnections(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/**
 * Sends one request and returns what happened, never throwing: a response
 * (whatever its status), or an error (refused, reset, TLS, timeout, cancel).
 * Redirects are not followed.
 */
export function deliver(request: WebhookRequest, options: DeliverOptions): Promise<Delivery> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: Delivery) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const fail = (error: string, how: { timedOut?: boolean; canceled?: boolean } = {}) =>
      finish({
        kind: "error",
        error,
        timedOut: how.timedOut ?? false,
        canceled: how.canceled ?? false,
        durationMs: elapsed(),
      });

    let ca: string | undefined;
    if (options.caFile !== undefined) {
      const read = readCaFile(options.caFile);
      if ("problem" in read) {
        fail(`cannot use ca_file ${read.problem}`);
        return;
      }
      ca = read.pem;
    }
    const url = new URL(request.url);
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(url, {
      method: request.method,
      headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      agent: agentFor(url, ca),
    });
    if (options.timeoutMs > 0) {
      timer = setTimeout(() => {
        fail(`timed out after ${options.timeoutMs} ms`, { timedOut: true });
        req.destroy();
      }, options.timeoutMs);
    }
    const onAbort = () => {
      fail("canceled", { canceled: true });
      req.destroy();
    };
    if (options.signal.aborted) {
      onAbort();
      return;
    }
    options.signal.addEventListener("abort", onAbort, { once: true });

    req.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code ?? "error";
      const text = error.message.includes(code) ? error.message : `${code}: ${error.message}`;
      fail(text.replace(/\s+/g, " "));
    });
    req.on("response", (res) => {
      const kept: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < RESPONSE_KEPT_BYTES) kept.push(chunk.subarray(0, RESPONSE_KEPT_BYTES - size));
        size += chunk.length;
      });
      res.on("error", (error) => fail(`response: ${error.message}`));
      res.on("end", () => {
        const retryAfter = res.headers["retry-after"];
        finish({
          kind: "response",
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
          body: Buffer.concat(kept),
          durationMs: elapsed(),
        });
      });
    });
    req.end(request.body);
  });
}
