import { describe, expect, it } from "vitest";
import { ALICE, fakeContext, NOBODY, parse, parseOne } from "./parse-helpers.js";

const FULL = `# handlers.d/crm.yaml
id: crm-sync
event: client_create
priority: high
user: nobody
command: /opt/crm/sync.sh <new_login_name> "<new_contact_name>"
timeout: 30s
enabled: true
when:
  NEW_DOMAIN_NAME: "*.example.com"
env: { CRM_URL: "https://crm.internal" }
retry: { attempts: 3, backoff: 2s }
stdin: json
encoding: cp1251
cwd: /opt/crm
`;

describe("parseHandlerFile: documents", () => {
  it("reads every key of the SPEC example", () => {
    expect(parseOne(FULL)).toEqual({
      id: "crm-sync",
      file: "handlers.d/crm.yaml",
      line: 2,
      fileIndex: 0,
      docIndex: 0,
      events: ["client_create"],
      priority: 75,
      userName: "nobody",
      user: NOBODY,
      argv: ["/opt/crm/sync.sh", "<new_login_name>", "<new_contact_name>"],
      commandText: '/opt/crm/sync.sh <new_login_name> "<new_contact_name>"',
      shell: false,
      timeoutMs: 30_000,
      enabled: true,
      when: [{ param: "NEW_DOMAIN_NAME", patterns: ["*.example.com"] }],
      env: { CRM_URL: "https://crm.internal" },
      retry: { attempts: 3, backoffMs: 2000 },
      stdin: "json",
      encoding: "cp1251",
      cwd: "/opt/crm",
    });
  });

  it("applies the defaults of SPEC §3", () => {
    const handler = parseOne("event: client_create\ncommand: /bin/true\n");
    expect(handler).toMatchObject({
      id: "crm",
      priority: 50,
      userName: undefined,
      user: undefined,
      shell: false,
      timeoutMs: 300_000,
      enabled: true,
      when: [],
      env: {},
      retry: { attempts: 0, backoffMs: 1000 },
      stdin: "none",
      encoding: "utf-8",
      cwd: undefined,
    });
  });

  it("numbers documents <file name>#<n> when there are several, skipping empty ones", () => {
    const text =
      "---\nevent: a_b\ncommand: /bin/true\n---\n---\n# nothing\n---\nid: own\nevent: a_b\ncommand: /bin/true\n---\nevent: a_b\ncommand: /bin/true\n---\n";
    const { handlers, out } = parse(text, fakeContext({ knownEvent: () => ({ known: true }) }));
    expect(out).toEqual([]);
    expect(handlers.map((h) => [h.id, h.docIndex, h.line])).toEqual([
      ["crm#1", 0, 2],
      ["own", 1, 8],
      ["crm#3", 2, 12],
    ]);
  });

  it("takes the default id from the base name without extension", () => {
    const ctx = fakeContext();
    const { handlers } = parse(
      "event: client_create\ncommand: /bin/true\n",
      ctx,
      "/etc/evh/handlers.d/10-crm.sync.yml",
    );
    expect(handlers[0]?.id).toBe("10-crm.sync");
  });

  it("yields nothing for an empty file or one of comments", () => {
    expect(parse("")).toEqual({ handlers: [], out: [] });
    expect(parse("# all disabled\n---\n")).toEqual({ handlers: [], out: [] });
  });

  it("refuses a document that is not a map, and still loads the others", () => {
    const { handlers, out } = parse(
      "- a\n- b\n---\nevent: client_create\ncommand: /bin/true\n---\njust text\n",
    );
    expect(out).toEqual([
      "handlers.d/crm.yaml:1: error: a handler must be a map of keys (id, event, priority, user, command, ...), got a list",
      'handlers.d/crm.yaml:7: error: a handler must be a map of keys (id, event, priority, user, command, ...), got "just text"',
    ]);
    expect(handlers.map((h) => h.id)).toEqual(["crm#2"]);
  });

  it("reports every problem of a document, in line order, and yields no handler for it", () => {
    const { handlers, out } = parse(
      "event: client_create\npriority: urgent\ncomand: /bin/true\nuser: no-such-user-evh\n",
    );
    expect(handlers).toEqual([]);
    expect(out).toEqual([
      'handlers.d/crm.yaml:2: error: priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"',
      'handlers.d/crm.yaml:3: error: unknown key "comand" (did you mean "command"?); allowed keys: id, event, priority, user, command, shell, timeout, enabled, when, env, retry, stdin, encoding, cwd, webhook',
      'handlers.d/crm.yaml:4: error: user "no-such-user-evh" does not exist on this system',
    ]);
  });

  it("names missing required keys at the document's first key", () => {
    expect(parse("# c\n\npriority: low\n").out).toEqual([
      "handlers.d/crm.yaml:3: error: event is required",
      "handlers.d/crm.yaml:3: error: command is required",
    ]);
    expect(parse("{}\n").out).toEqual([
      "handlers.d/crm.yaml:1: error: event is required",
      "handlers.d/crm.yaml:1: error: command is required",
    ]);
  });

  it("lists the allowed keys for an unknown key without a close match", () => {
    expect(parse("event: client_create\ncommand: /bin/true\nschedule: daily\n").out).toEqual([
      'handlers.d/crm.yaml:3: error: unknown key "schedule"; allowed keys: id, event, priority, user, command, shell, timeout, enabled, when, env, retry, stdin, encoding, cwd, webhook',
    ]);
  });

  it("refuses a second handler with the same id in one file", () => {
    const doc = "id: same\nevent: client_create\ncommand: /bin/true\n";
    const { handlers, out } = parse(`${doc}---\n${doc}`);
    expect(out).toEqual([
      'handlers.d/crm.yaml:5: error: duplicate handler id "same": already used at line 1 of this file',
    ]);
    expect(handlers.map((h) => h.line)).toEqual([1]);
  });
});

describe("parseHandlerFile: YAML", () => {
  it("reports a syntax error on its line, and only that for the document", () => {
    const { handlers, out } = parse('event: client_create\ncommand: "/bin/true\nbogus: 1\n');
    expect(handlers).toEqual([]);
    expect(out).toEqual(['handlers.d/crm.yaml:4: error: invalid YAML: Missing closing "quote']);
  });

  it("keeps the documents before a broken one", () => {
    const { handlers, out } = parse("event: client_create\ncommand: /bin/true\n---\nevent: [a\n");
    expect(handlers.map((h) => h.id)).toEqual(["crm#1"]);
    expect(out[0]).toMatch(/^handlers\.d\/crm\.yaml:[45]: error: invalid YAML: /);
  });

  it("refuses a key given twice", () => {
    expect(parse("event: client_create\ncommand: /bin/true\nevent: client_delete\n").out).toEqual([
      'handlers.d/crm.yaml:3: error: key "event" appears twice',
    ]);
  });

  it("finds keys given twice at any depth: in flow and block maps, in lists, in complex keys", () => {
    const text = [
      "event: client_create",
      "command: /bin/true",
      "env: {A: 1, A: 2}",
      "when:",
      "  P: [x]",
      "  P: [y]",
      "retry: [{k: 1, k: 2}]",
      "? {a: 1, a: 2}",
      ": x",
    ].join("\n");
    expect(parse(text).out).toEqual([
      'handlers.d/crm.yaml:3: error: key "A" appears twice',
      'handlers.d/crm.yaml:6: error: key "P" appears twice',
      'handlers.d/crm.yaml:7: error: key "k" appears twice',
      'handlers.d/crm.yaml:8: error: key "a" appears twice',
    ]);
  });

  it("finds a key given twice among 15k keys, in linear time", () => {
    // yaml's own duplicate check compares every pair: seconds for this file.
    const env = Array.from({ length: 15_000 }, (_, i) => `  E${i}: x`);
    const text = `event: client_create\ncommand: /bin/true\nenv:\n${env.join("\n")}\n  E7: again\n`;
    expect(parse(text).out).toEqual([`handlers.d/crm.yaml:15004: error: key "E7" appears twice`]);
  });

  it.each([
    [
      "100k env keys",
      `event: a\ncommand: /bin/true\nenv:\n${Array.from({ length: 100_000 }, (_, i) => `  E${i}: x`).join("\n")}\n`,
      "handlers.d/crm.yaml:16668: error: more than 50000 YAML tokens (keys, values, brackets, commas, ...) in one file; split it into several files",
    ],
    [
      "a megabyte of ]",
      `event: a\ncommand: /bin/true\nenv: ${"] ".repeat(500_000)}\n`,
      "handlers.d/crm.yaml:3: error: more than 50000 YAML tokens (keys, values, brackets, commas, ...) in one file; split it into several files",
    ],
    [
      "a megabyte of ---",
      "---\n".repeat(262_144),
      "handlers.d/crm.yaml:1001: error: more than 1000 documents in one file; split it into several files",
    ],
  ])("refuses %s at the bound, the parser never given more than it allows", (_, text, expected) => {
    expect(parse(text).out).toEqual([expected]);
  });

  it("tells a number key from the same text as a string key, as yaml does", () => {
    const invalid =
      'handlers.d/crm.yaml:3: error: env: names are letters, digits and _ not starting with a digit, got "1"';
    expect(parse('event: client_create\ncommand: /bin/true\nenv: {1: a, "1": b}\n').out).toEqual([
      invalid,
      invalid,
    ]);
  });

  it("refuses a megabyte of nesting before parsing it, with one error on its line", () => {
    const text = `event: client_create\ncommand: /bin/true\nenv: ${"[".repeat(1024 * 1024)}\n`;
    expect(parse(text).out).toEqual([
      "handlers.d/crm.yaml:3: error: YAML nesting deeper than 32 levels; a handler needs a few",
    ]);
  });

  it("reports the first 10 YAML problems of a document and counts the others", () => {
    const out = parse(`event: client_create\ncommand: /bin/true\nenv: ${"] ".repeat(30)}\n`).out;
    expect(out).toHaveLength(11);
    expect(out[10]).toBe(
      "handlers.d/crm.yaml:3: error: and 20 more YAML problems in this document",
    );
  });

  it("refuses tags it cannot resolve instead of reading them as strings", () => {
    expect(parse("event: client_create\ncommand: !secret /bin/true\n").out).toEqual([
      "handlers.d/crm.yaml:2: error: invalid YAML: Unresolved tag: !secret",
    ]);
  });

  it("reads YAML 1.2 core: yes is a string, not a boolean", () => {
    expect(parse("event: client_create\ncommand: /bin/true\nenabled: yes\n").out).toEqual([
      'handlers.d/crm.yaml:3: error: enabled must be true or false, got "yes"',
    ]);
  });

  it("follows aliases within a document", () => {
    const handler = parseOne(
      "event: client_create\ncommand: [/bin/echo, &who alice]\nenv: { WHO: *who }\n",
    );
    expect(handler.env).toEqual({ WHO: "alice" });
  });

  it("accepts a UTF-8 byte order mark and non-ASCII text", () => {
    const handler = parseOne("\uFEFFevent: client_create\ncommand: /bin/echo Jörg\n");
    expect(handler.argv).toEqual(["/bin/echo", "Jörg"]);
  });
});

describe("parseHandlerFile: context", () => {
  it("checks users against the injected account table and the agent's own user", () => {
    const ctx = fakeContext({ agentUser: ALICE, agentIsRoot: false });
    expect(parseOne("event: client_create\ncommand: /bin/true\nuser: alice\n", ctx).user).toEqual(
      ALICE,
    );
  });
});
