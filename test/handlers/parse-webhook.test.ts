import { describe, expect, it } from "vitest";
import { fakeContext, parse, parseOne } from "./parse-helpers.js";

/** A system where /etc/evh/keys/crm is a good key and every other secret file is not. */
const ctx = fakeContext({
  secretFileCheck: (file) =>
    file === "/etc/evh/keys/crm"
      ? undefined
      : `secret_file ${file} is owned by uid 1000, not root (fix: chown root ${file})`,
  caFileCheck: (file) => (file.includes("missing") ? `${file} cannot be read (ENOENT)` : undefined),
});

const hook = (body: string, extra = "") =>
  `event: client_create\n${extra}webhook:\n  url: https://crm.example.com/hooks/evh\n  secret_file: /etc/evh/keys/crm\n${body}`;
const out = (text: string) => parse(text, ctx).out;

describe("webhook handlers", () => {
  it("read every key of the map, with the defaults", () => {
    const handler = parseOne(hook(""), ctx);
    expect(handler.webhook).toEqual({
      url: "https://crm.example.com/hooks/evh",
      method: "POST",
      headers: {},
      secretFile: "/etc/evh/keys/crm",
      timeoutMs: 30_000,
      params: "all",
      caFile: undefined,
      allowInsecure: false,
    });
    expect(handler.argv).toEqual([]);
    expect(handler.commandText).toBe("webhook POST https://crm.example.com/hooks/evh");
    expect(handler.timeoutMs).toBe(30_000);
  });

  it("take method, headers, timeout, params, ca_file and the shared keys", () => {
    const handler = parseOne(
      hook(
        "  method: put\n  headers: { X-Tenant: acme, Authorization: Bearer abc }\n  timeout: 5s\n  params: [NEW_LOGIN_NAME, NEW_CONTACT_NAME]\n  ca_file: /etc/evh/ca.pem\n",
        "priority: high\nretry: { attempts: 2, backoff: 1s }\nwhen: { NEW_LOGIN_NAME: 'j*' }\n",
      ),
      ctx,
    );
    expect(handler).toMatchObject({
      priority: 75,
      retry: { attempts: 2, backoffMs: 1000 },
      when: [{ param: "NEW_LOGIN_NAME", patterns: ["j*"] }],
      webhook: {
        method: "PUT",
        headers: { "X-Tenant": "acme", Authorization: "Bearer abc" },
        timeoutMs: 5000,
        params: ["NEW_LOGIN_NAME", "NEW_CONTACT_NAME"],
        caFile: "/etc/evh/ca.pem",
      },
    });
  });

  it("allow http:// to loopback only, unless allow_insecure", () => {
    const insecure = (url: string, extra = "") =>
      `event: client_create\nwebhook:\n  url: ${url}\n  secret_file: /etc/evh/keys/crm\n${extra}`;
    expect(parseOne(insecure("http://127.0.0.1:8080/x"), ctx).webhook?.url).toBe(
      "http://127.0.0.1:8080/x",
    );
    expect(parseOne(insecure("http://[::1]/x"), ctx).webhook?.url).toBe("http://[::1]/x");
    expect(out(insecure("http://crm.example.com/x"))).toEqual([
      "handlers.d/crm.yaml:3: error: webhook.url: http:// is allowed only to a loopback address (127.0.0.1, ::1, localhost), got host crm.example.com; use https://, or set allow_insecure: true if the network is trusted",
    ]);
    expect(
      parseOne(insecure("http://crm.lan/x", "  allow_insecure: true\n"), ctx).webhook
        ?.allowInsecure,
    ).toBe(true);
  });

  it("report each bad field on its line", () => {
    const text = `event: client_create
webhook:
  url: ftp://crm.example.com/
  method: GET
  headers: { webhook-signature: x, "bad name": y }
  secret_file: /home/alice/key
  timeout: 30
  params: [NEW_LOGIN_NAME, lower]
  ca_file: /etc/evh/missing.pem
  retries: 3
`;
    expect(out(text)).toEqual([
      'handlers.d/crm.yaml:3: error: webhook.url must be an https:// URL, got "ftp://crm.example.com/"',
      'handlers.d/crm.yaml:4: error: webhook.method must be POST, PUT, PATCH, got "GET"',
      "handlers.d/crm.yaml:5: error: webhook.headers: webhook-signature is set by evh itself; remove it",
      'handlers.d/crm.yaml:5: error: webhook.headers: "bad name" is not a header name',
      "handlers.d/crm.yaml:6: error: webhook.secret_file /home/alice/key is owned by uid 1000, not root (fix: chown root /home/alice/key)",
      "handlers.d/crm.yaml:7: error: webhook.timeout must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got 30: add a unit: 30s or 30ms",
      'handlers.d/crm.yaml:8: error: webhook.params must be all, none or a list of param names; "lower" is not a param name (like NEW_LOGIN_NAME)',
      "handlers.d/crm.yaml:9: error: webhook.ca_file: /etc/evh/missing.pem cannot be read (ENOENT)",
      'handlers.d/crm.yaml:10: error: webhook: unknown key "retries"; allowed keys: url, method, headers, secret_file, timeout, params, ca_file, allow_insecure',
    ]);
  });

  it("require url and secret_file, and never take the key inline", () => {
    expect(out("event: client_create\nwebhook: { secret: whsec_abc }\n")).toEqual([
      'handlers.d/crm.yaml:2: error: webhook: unknown key "secret"; allowed keys: url, method, headers, secret_file, timeout, params, ca_file, allow_insecure',
      "handlers.d/crm.yaml:2: error: webhook.url is required",
      "handlers.d/crm.yaml:2: error: webhook.secret_file is required: the path of a root-owned 0600 file holding the whsec_ signing key (never the key itself)",
    ]);
    expect(out("event: client_create\nwebhook: https://x\n")).toEqual([
      'handlers.d/crm.yaml:2: error: webhook must be a map like { url: https://..., secret_file: /etc/evh/keys/x }, got "https://x"',
    ]);
  });

  it("refuse the keys of a process: command, user, shell, timeout, env, ...", () => {
    const text = hook(
      "",
      "command: /bin/true\nuser: nobody\ntimeout: 5s\nenv: { A: b }\ncwd: /tmp\n",
    );
    expect(out(text)).toEqual([
      "handlers.d/crm.yaml:2: error: a handler has either command or webhook, not both",
      "handlers.d/crm.yaml:3: error: user does not apply to a webhook handler (no process runs)",
      "handlers.d/crm.yaml:4: error: a webhook's timeout goes inside the map (webhook.timeout)",
      "handlers.d/crm.yaml:5: error: env does not apply to a webhook handler (no process runs)",
      "handlers.d/crm.yaml:6: error: cwd does not apply to a webhook handler (no process runs)",
    ]);
  });

  it("do not hide the user's URL credentials", () => {
    expect(
      out(
        "event: client_create\nwebhook:\n  url: https://u:pw@crm/x\n  secret_file: /etc/evh/keys/crm\n",
      ),
    ).toEqual([
      "handlers.d/crm.yaml:3: error: webhook.url must not hold a user or password: it would show in logs and evh test (fix: put an Authorization header in webhook.headers)",
    ]);
  });
});
