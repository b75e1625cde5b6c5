import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Webhook } from "standardwebhooks";

/** A signing key in the Standard Webhooks form. */
export const TEST_KEY = `whsec_${Buffer.from("evh-test-signing-key-0123456789ab").toString("base64")}`;

/** Writes the key 0600 at `file`, as an administrator would. */
export function writeKey(file: string, key = TEST_KEY): string {
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return file;
}

/** One request the receiver got, with the verifier's verdict. */
export interface Received {
  readonly id: string;
  readonly timestamp: string;
  readonly signature: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Parsed body when the signature verified; undefined when it did not. */
  readonly verified: unknown;
  readonly at: number;
}

/** What to answer a request: a status (with a body and headers), or never (hang). */
export type Answer =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | "hang";

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Sets how the next requests are answered (default: 200 at once). */
  answer(fn: (req: Received, n: number) => Answer): void;
  close(): Promise<void>;
}

/**
 * A real HTTP(S) server on 127.0.0.1 that checks every request with the
 * standardwebhooks verifier, independently of evh's signing.
 */
export async function startReceiver(
  options: { key?: string; tls?: { key: string; cert: string }; path?: string } = {},
): Promise<Receiver> {
  const verifier = new Webhook(options.key ?? TEST_KEY);
  const received: Received[] = [];
  let answerFn: (req: Received, n: number) => Answer = () => ({ status: 200, body: "ok" });
  const hanging: http.ServerResponse[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => String(req.headers[name] ?? "");
      let verified: unknown;
      try {
        verified = verifier.verify(body, {
          "webhook-id": header("webhook-id"),
          "webhook-timestamp": header("webhook-timestamp"),
          "webhook-signature": header("webhook-signature"),
        });
      } catch {
        verified = undefined;
      }
      const entry: Received = {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        headers: req.headers,
        body,
        verified,
        at: Date.now(),
      };
      received.push(entry);
      const answer = answerFn(entry, received.length);
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      const send = () => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      };
      if (answer.delayMs === undefined) send();
      else setTimeout(send, answer.delayMs);
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? "https" : "http";
  return {
    url: `${scheme}://127.0.0.1:${port}${options.path ?? "/hook"}`,
    received,
    answer(fn) {
      answerFn = fn;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A self-signed certificate for 127.0.0.1, made with openssl; `ca` is the certificate itself. */
export function selfSignedCert(): { key: string; cert: string; certFile: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "evh-cert-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return {
    key: readFileSync(keyFile, "utf8"),
    cert: readFileSync(certFile, "utf8"),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
