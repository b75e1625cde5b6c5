import { readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { eventIdOf } from "../helpers/drop-event.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { runEvh } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";
import {
  type Receiver,
  selfSignedCert,
  startReceiver,
  TEST_KEY,
  writeKey,
} from "../helpers/webhook-receiver.js";

const newRoot = useE2eRoots();
const receivers: Receiver[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const c of cleanups.splice(0)) c();
});

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const r = await startReceiver(options);
  receivers.push(r);
  return r;
}

/** A root with one webhook handler to `url`; `webhook` and `more` add to its map and document. */
function hookRoot(
  url: string,
  webhook: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): E2eRoot {
  const root = newRoot(settings);
  const key = writeKey(root.path("key"));
  root.handler("10-hook.yaml", {
    id: "crm-hook",
    event: "client_create",
    ...more,
    webhook: { url, secret_file: key, timeout: "5s", ...webhook },
  });
  return root;
}

const event = (login: string, extra: Record<string, unknown> = {}) => ({
  event: "client_create",
  params: { NEW_LOGIN_NAME: login, NEW_CONTACT_NAME: login },
  ...extra,
});

describe("webhook handlers, end to end", () => {
  test("deliver over https with a private CA, every request verified, per-key order kept with concurrency 2", {
    timeout: 60_000,
  }, async () => {
    const cert = selfSignedCert();
    cleanups.push(cert.cleanup);
    const r = await receiver({ tls: cert });
    r.answer(() => ({ status: 200, delayMs: 20 }));
    const root = hookRoot(r.url, { ca_file: cert.certFile }, {}, { concurrency: 2 });
    const dropped: Record<string, string[]> = { a: [], b: [] };
    await root.start();
    for (let i = 0; i < 10; i++) {
      const key = i % 2 === 0 ? "a" : "b";
      const name = root.drop(event(`${key}${i}`, { key }));
      dropped[key]?.push(eventIdOf(name));
    }
    await waitFor(
      () => r.received.length >= 10 && root.files("cur").length === 0,
      30_000,
      "10 deliveries",
    );
    expect(r.received.every((x) => x.verified !== undefined)).toBe(true);
    const seen: Record<string, string[]> = { a: [], b: [] };
    for (const x of r.received) {
      const data = (x.verified as { data: { id: string; params: { NEW_LOGIN_NAME: string } } })
        .data;
      seen[data.params.NEW_LOGIN_NAME.slice(0, 1)]?.push(data.id);
    }
    expect(seen).toEqual(dropped);
    expect(root.files("failed")).toEqual([]);
    const log = readFileSync(root.logFile, "utf8");
    expect(log).toContain('"status_code":200');
    expect(log).not.toContain(TEST_KEY);
  });

  test("503, 503, then 200: three attempts with the backoff, one webhook-id", {
    timeout: 60_000,
  }, async () => {
    const r = await receiver();
    r.answer((_, n) => (n < 3 ? { status: 503, body: "busy" } : { status: 200 }));
    const root = hookRoot(r.url, {}, { retry: { attempts: 3, backoff: "300ms" } });
    await root.start();
    root.drop(event("jdoe"));
    await waitFor(
      () => r.received.length === 3 && root.files("cur").length === 0,
      30_000,
      "3 attempts",
    );
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    const [a, b, c] = r.received.map((x) => x.at);
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(290);
    expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(590);
    expect(root.files("failed")).toEqual([]);
  });

  test("a receiver that never answers hits the timeout: failed/ with the outcome", {
    timeout: 60_000,
  }, async () => {
    const r = await receiver();
    r.answer(() => "hang");
    const root = hookRoot(r.url, { timeout: "500ms" });
    await root.start();
    const name = root.drop(event("jdoe"));
    await waitFor(() => root.files("failed").includes(name), 30_000, "the event in failed/");
    const sidecar = readSidecar(root, name);
    expect(sidecar.reason).toBe("handler crm-hook timed out");
    expect(sidecar.outcomes?.[0]).toMatchObject({ handler: "crm-hook", outcome: "timeout" });
  });

  test("kill -9 mid-delivery: redelivered after the restart with the same webhook-id", {
    timeout: 60_000,
  }, async () => {
    const r = await receiver();
    r.answer((_, n) => (n === 1 ? "hang" : { status: 200 }));
    const root = hookRoot(r.url, { timeout: "30s" });
    const agent = await root.start();
    const name = root.drop(event("jdoe"));
    await waitFor(() => r.received.length === 1, 20_000, "the first delivery");
    agent.child.kill("SIGKILL");
    await agent.exited;
    expect(root.files("cur")).toEqual([name]);
    await root.start();
    await waitFor(
      () => r.received.length === 2 && root.files("cur").length === 0,
      20_000,
      "the redelivery",
    );
    const [first, second] = r.received;
    expect(second?.id).toBe(first?.id);
    expect(second?.verified).toBeDefined();
    expect(root.files("failed")).toEqual([]);
  });

  test("a 400 goes to failed/ with the status and response, and evh retry delivers it once fixed", {
    timeout: 60_000,
  }, async () => {
    const r = await receiver();
    r.answer(() => ({ status: 400, body: "unknown field NEW_PASSWORD=hunter22-secret" }));
    const root = hookRoot(r.url, {}, { retry: { attempts: 3, backoff: "100ms" } });
    await root.start();
    const name = root.drop({
      ...event("jdoe"),
      params: { NEW_LOGIN_NAME: "jdoe", NEW_PASSWORD: "hunter22-secret" },
    });
    await waitFor(() => root.files("failed").includes(name), 30_000, "the event in failed/");
    expect(r.received).toHaveLength(1);
    const sidecar = readSidecar(root, name);
    expect(sidecar.reason).toBe("handler crm-hook failed: HTTP 400");
    expect(sidecar.outcomes?.[0]).toMatchObject({
      handler: "crm-hook",
      outcome: "failed",
      attempts: 1,
      status_code: 400,
      response: "unknown field NEW_PASSWORD=***",
    });
    expect(JSON.stringify(sidecar)).not.toContain(TEST_KEY);

    r.answer(() => ({ status: 204 }));
    const retried = await runEvh(["retry", "--root", root.dir, name]);
    expect(retried.code).toBe(0);
    await waitFor(
      () =>
        r.received.length === 2 &&
        root.files("failed").length === 0 &&
        root.files("new").length === 0 &&
        root.files("cur").length === 0,
      30_000,
      "the retried delivery",
    );
    expect(r.received[1]?.id).toBe(r.received[0]?.id);
    expect(r.received[1]?.verified).toBeDefined();
  });

  test("the root lock does not stop a webhook (no program runs as root)", {
    timeout: 60_000,
  }, async () => {
    const r = await receiver();
    const root = hookRoot(r.url);
    root.write("var/root.event_handler.lock", "");
    const list = await runEvh(["list", "--root", root.dir]);
    expect(list.stdout).toMatch(/crm-hook .* active\n/);
    await root.start();
    root.drop(event("jdoe"));
    await waitFor(
      () => r.received.length === 1 && root.files("cur").length === 0,
      20_000,
      "the delivery",
    );
    expect(r.received[0]?.verified).toBeDefined();
  });

  test("a malformed webhook: block is a file:line error, and the other handlers keep working", {
    timeout: 60_000,
  }, async () => {
    const root = newRoot();
    root.handler(
      "10-bad.yaml",
      "id: bad-hook\nevent: client_create\nwebhook:\n  url: ftp://x\n  secret_file: /nonexistent/key\n",
    );
    root.handler("20-ok.yaml", {
      id: "ok",
      event: "client_create",
      command: [fixtureScript("record-run.sh"), root.out("runs"), "0", "0"],
    });
    const validate = await runEvh(["validate", "--root", root.dir]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      'handlers.d/10-bad.yaml:4: error: webhook.url must be an https:// URL, got "ftp://x"',
    );
    expect(validate.stdout).toContain(
      "handlers.d/10-bad.yaml:5: error: webhook.secret_file /nonexistent/key cannot be read (ENOENT)",
    );
    await root.start();
    root.drop(event("jdoe"));
    await waitFor(() => root.lines("runs").length === 1, 20_000, "the other handler's run");
  });
});
