import { describe, expect, it } from "vitest";
import { BASE_PATH, paramsKeptOutOfEnv } from "../../src/execute/build-env.js";
import { buildInvocation, type InvocationInput } from "../../src/execute/build-invocation.js";
import type { SystemUser } from "../../src/system/system-users.js";
import { makeEvent, makeHandler } from "./fixtures.js";

const root: SystemUser = { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" };
const web: SystemUser = { name: "web", uid: 1001, gid: 1002, home: "/home/web", shell: "/bin/sh" };

function input(overrides: Partial<InvocationInput> = {}): InvocationInput {
  return {
    user: root,
    attempt: 1,
    eventFile: "/srv/evh/spool/cur/e.json",
    paramsFile: "/tmp/evh-params-x/params",
    extraVars: {},
    agentUid: 0,
    ...overrides,
  };
}

describe("buildInvocation: environment", () => {
  it("layers base, params, IDN vars, EVH_* and handler env, in that order, and nothing else", () => {
    const handler = makeHandler(["/bin/true"], { id: "crm", env: { CRM_URL: "https://crm" } });
    const event = makeEvent({ NEW_DOMAIN_NAME: "пример.рф", NEW_LOGIN_NAME: "jm" });
    const inv = buildInvocation(handler, event, {
      ...input({ attempt: 2, user: web, agentUid: 0 }),
      extraVars: { NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd.xn--p1ai" },
    });
    expect(Object.entries(inv.env)).toEqual([
      ["PATH", BASE_PATH],
      ["HOME", "/home/web"],
      ["USER", "web"],
      ["LOGNAME", "web"],
      ["SHELL", "/bin/sh"],
      ["LANG", "C.UTF-8"],
      ["NEW_DOMAIN_NAME", "пример.рф"],
      ["NEW_LOGIN_NAME", "jm"],
      ["NEW_DOMAIN_NAME_ASCII", "xn--e1afmkfd.xn--p1ai"],
      ["EVH_EVENT", "client_create"],
      ["EVH_EVENT_ID", "evt-1"],
      ["EVH_EVENT_FILE", "/srv/evh/spool/cur/e.json"],
      ["EVH_HANDLER_ID", "crm"],
      ["EVH_OCCURRED_AT", "2026-11-28T10:00:00Z"],
      ["EVH_ATTEMPT", "2"],
      ["EVH_PARAMS_FILE", "/tmp/evh-params-x/params"],
      ["CRM_URL", "https://crm"],
    ]);
  });

  it("does not pass the agent's own environment", () => {
    process.env.EVH_TEST_LEAK = "leak";
    try {
      const env = buildInvocation(makeHandler(["/bin/true"]), makeEvent(), input()).env;
      expect(env.EVH_TEST_LEAK).toBeUndefined();
      expect(env.PATH).toBe(BASE_PATH);
    } finally {
      delete process.env.EVH_TEST_LEAK;
    }
  });

  it("lets a later layer win: handler env over EVH_* over params over the base", () => {
    const handler = makeHandler(["/bin/true"], {
      env: { EVH_ATTEMPT: "from-handler", LANG: "de_DE.UTF-8", NEW_B: "from-handler" },
    });
    const env = buildInvocation(handler, makeEvent({ NEW_A: "a", NEW_B: "b" }), input()).env;
    expect(env.NEW_A).toBe("a");
    expect(env.NEW_B).toBe("from-handler");
    expect(env.EVH_ATTEMPT).toBe("from-handler");
    expect(env.LANG).toBe("de_DE.UTF-8");
  });

  // SPEC §4: a name alone can make a program run code (PYTHONWARNINGS with
  // BROWSER, OPENSSL_CONF, GIT_SSH_COMMAND...); no list of bad names is complete.
  it("passes only OLD_* and NEW_* params (and their _ASCII forms) as variables", () => {
    const params = {
      NEW_LOGIN_NAME: "jm",
      OLD_LOGIN_NAME: "jo",
      HOME: "/from-event",
      PATH: "/tmp",
      LD_PRELOAD: "/tmp/x.so",
      PYTHONWARNINGS: "ignore::antigravity.x",
      BROWSER: "id",
      OPENSSL_CONF: "/tmp/x.cnf",
      GIT_SSH_COMMAND: "id",
      DOMAIN_NAME: "example.com",
      NEWS: "x",
    };
    const env = buildInvocation(makeHandler(["/bin/true"]), makeEvent(params), {
      ...input(),
      extraVars: { NEW_DOMAIN_NAME_ASCII: "a.example", DOMAIN_NAME_ASCII: "example.com" },
    }).env;
    const names = Object.keys(env).filter((n) => !n.startsWith("EVH_"));
    expect(names).toEqual([
      "PATH",
      "HOME",
      "USER",
      "LOGNAME",
      "SHELL",
      "LANG",
      "NEW_LOGIN_NAME",
      "OLD_LOGIN_NAME",
      "NEW_DOMAIN_NAME_ASCII",
    ]);
    expect(env.HOME).toBe("/root");
    expect(env.PATH).toBe(BASE_PATH);
  });

  it("still gives the kept-out params to placeholders", () => {
    const handler = makeHandler(["/opt/x.sh", "<browser>", "<ld_preload>"]);
    const inv = buildInvocation(handler, makeEvent({ BROWSER: "b", LD_PRELOAD: "l" }), input());
    expect(inv.args).toEqual(["b", "l"]);
    expect(paramsKeptOutOfEnv({ NEW_A: "", BROWSER: "", LD_PRELOAD: "" })).toEqual([
      "BROWSER",
      "LD_PRELOAD",
    ]);
  });

  it("keeps a handler env name like __proto__ as a plain variable", () => {
    const handlerEnv = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const env = buildInvocation(
      makeHandler(["/bin/true"], { env: handlerEnv }),
      makeEvent(),
      input(),
    ).env;
    expect(Object.keys(env)).toContain("__proto__");
    expect(Object.getOwnPropertyDescriptor(env, "__proto__")?.value).toBe("x");
  });
});

describe("buildInvocation: placeholders", () => {
  const hostile = [
    "a; rm -rf /",
    "$(id)",
    "`id`",
    "line1\nline2",
    `it's "quoted"`,
    "with  spaces",
    "-rf",
    "<new_other>",
    "\\n and \\",
  ];

  it.each(hostile)("keeps the value %j inside its one argv item", (value) => {
    const handler = makeHandler([
      "/opt/x.sh",
      "<new_login_name>",
      "pre-<NEW_LOGIN_NAME>-post",
      "last",
    ]);
    const inv = buildInvocation(
      handler,
      makeEvent({ NEW_LOGIN_NAME: value, NEW_OTHER: "o" }),
      input(),
    );
    expect(inv.file).toBe("/opt/x.sh");
    expect(inv.args).toEqual([value, `pre-${value}-post`, "last"]);
  });

  it("is case-insensitive, gives a missing param the empty string, and knows EVH_* and IDN vars", () => {
    const handler = makeHandler([
      "/opt/x.sh",
      "<New_Login_Name>",
      "<new_missing>",
      "<evh_event>:<evh_event_id>:<evh_event_file>:<evh_attempt>",
      "<new_domain_name_ascii>",
      "a<b",
      "<not closed",
    ]);
    const inv = buildInvocation(handler, makeEvent({ NEW_LOGIN_NAME: "jm" }), {
      ...input({ attempt: 3 }),
      extraVars: { NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd.xn--p1ai" },
    });
    expect(inv.args).toEqual([
      "jm",
      "",
      "client_create:evt-1:/srv/evh/spool/cur/e.json:3",
      "xn--e1afmkfd.xn--p1ai",
      "a<b",
      "<not closed",
    ]);
  });

  it("substitutes in the program too, as one item", () => {
    const inv = buildInvocation(makeHandler(["/opt/<evh_event>.sh"]), makeEvent(), input());
    expect(inv).toMatchObject({ file: "/opt/client_create.sh", args: [], shell: false });
  });

  it("with shell: runs /bin/sh -c with the command as written, nothing substituted", () => {
    const handler = makeHandler(['echo "$NEW_LOGIN_NAME" <x> | tee /tmp/out'], { shell: true });
    const inv = buildInvocation(handler, makeEvent({ NEW_LOGIN_NAME: "jm", X: "no" }), input());
    expect(inv).toMatchObject({
      file: "/bin/sh",
      args: ["-c", 'echo "$NEW_LOGIN_NAME" <x> | tee /tmp/out'],
      shell: true,
    });
    expect(inv.env.NEW_LOGIN_NAME).toBe("jm");
  });
});

describe("buildInvocation: user, cwd, stdin", () => {
  it("asks for no uid/gid switch when the target is the agent's own uid", () => {
    const inv = buildInvocation(
      makeHandler(["/bin/true"]),
      makeEvent(),
      input({ user: root, agentUid: 0 }),
    );
    expect([inv.uid, inv.gid]).toEqual([undefined, undefined]);
  });

  it("switches to the target's uid and gid when it differs", () => {
    const inv = buildInvocation(
      makeHandler(["/bin/true"]),
      makeEvent(),
      input({ user: web, agentUid: 0 }),
    );
    expect([inv.uid, inv.gid]).toEqual([1001, 1002]);
  });

  it("prefers the handler's cwd, else the user's home", () => {
    const event = makeEvent();
    expect(buildInvocation(makeHandler(["/bin/true"]), event, input({ user: web })).cwd).toBe(
      "/home/web",
    );
    const withCwd = makeHandler(["/bin/true"], { cwd: "/opt/crm" });
    expect(buildInvocation(withCwd, event, input({ user: web })).cwd).toBe("/opt/crm");
  });

  it("gives the event as JSON only with stdin: json, with a fixed shape", () => {
    const event = makeEvent({ NEW_LOGIN_NAME: "jm" }, { id: undefined, eventId: "file-name" });
    expect(buildInvocation(makeHandler(["/bin/true"]), event, input()).stdinJson).toBeUndefined();
    const json = buildInvocation(
      makeHandler(["/bin/true"], { stdin: "json" }),
      event,
      input(),
    ).stdinJson;
    expect(JSON.parse(json ?? "")).toEqual({
      event: "client_create",
      id: null,
      event_id: "file-name",
      occurred_at: "2026-11-28T10:00:00Z",
      key: null,
      params: { NEW_LOGIN_NAME: "jm" },
    });
  });
});
