import { afterEach, describe, expect, it } from "vitest";
import { type Receiver, startReceiver, TEST_KEY, writeKey } from "../helpers/webhook-receiver.js";
import { type CliRoot, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function webhookRoot(url: string): CliRoot {
  const root = newRoot();
  root.write("keys/.keep", "");
  writeKey(root.path("keys/crm"));
  root.write(
    "handlers.d/crm.yaml",
    `id: crm-hook
event: client_create
webhook:
  url: ${url}
  secret_file: keys/crm
  headers: { Authorization: "Bearer abc-token-123", X-Api-Token: t0k3n-value, X-Tenant: acme }
  timeout: 5s
`,
  );
  return root;
}

const EVENT = [
  "client_create",
  "NEW_LOGIN_NAME=jdoe",
  "NEW_PASSWORD=hunter22",
  "NEW_CONTACT_NAME=J",
];

describe("evh test with a webhook handler", () => {
  it("shows the exact request, with the signature, credentials and secret params masked", async () => {
    const root = webhookRoot("http://127.0.0.1:9/hook");
    const r = await root.evh("test", ...EVENT);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.findIndex((l) => l.startsWith("1. crm-hook"));
    expect(
      lines
        .slice(at, at + 12)
        .map((l) => l.replace(/\d{10}$|msg_\S+|"(timestamp|id|occurred_at)":"[^"]+"/g, "<$1>")),
    ).toEqual([
      "1. crm-hook (handlers.d/crm.yaml:1, priority 50): runs",
      "   webhook  POST http://127.0.0.1:9/hook",
      "   timeout  5s",
      "   headers  Authorization: ***",
      "            X-Api-Token: ***",
      "            X-Tenant: acme",
      "            content-type: application/json",
      "            user-agent: evh-webhook",
      "            webhook-id: <>",
      "            webhook-timestamp: <>",
      "            webhook-signature: v1,***",
      '   body     {"type":"client_create",<timestamp>,"data":{<id>,"event":"client_create",<occurred_at>,"params":{"NEW_LOGIN_NAME":"jdoe","NEW_PASSWORD":"***","NEW_CONTACT_NAME":"J"}}}',
    ]);
    for (const secret of [TEST_KEY, "hunter22", "abc-token-123", "t0k3n-value"]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
  });

  it("--exec sends it, signed, and shows the status and the redacted response", async () => {
    receiver = await startReceiver();
    receiver.answer(() => ({ status: 201, body: "created jdoe with hunter22" }));
    const root = webhookRoot(receiver.url);
    const r = await root.evh("test", ...EVENT, "--exec");
    expect(r.code).toBe(0);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    expect(got?.verified).toMatchObject({ data: { params: { NEW_PASSWORD: "hunter22" } } });
    expect(got?.headers.authorization).toBe("Bearer abc-token-123");
    expect(r.stdout).toMatch(
      / {3}result {3}ok \(HTTP 201, \d+ ms\)\n {3}response created jdoe with \*\*\*/,
    );
    expect(r.stdout + r.stderr).not.toContain(TEST_KEY);

    const json = await root.evh("test", ...EVENT, "--exec", "--json");
    const shown = JSON.parse(json.stdout).handlers[0];
    expect(shown.webhook.headers["webhook-signature"]).toBe("v1,***");
    expect(shown.result).toMatchObject({
      outcome: "ok",
      status_code: 201,
      response: "created jdoe with ***",
    });
    expect(json.stdout).not.toContain("hunter22");
  });
});
