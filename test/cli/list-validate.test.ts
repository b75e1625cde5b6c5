import { chmodSync, chownSync, mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lookupUser } from "../../src/system/system-users.js";
import { runEvh } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { type CliRoot, errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

/** Three files: two good handlers (one disabled), one file that fails to load. */
function populate(root: CliRoot): void {
  root.write(
    "handlers.d/10-crm.yaml",
    "id: crm\nevent: [client_create, client_update]\npriority: high\ncommand: /bin/echo <new_login_name>\n---\nid: off\nevent: client_delete\nenabled: false\ncommand: /bin/true\n",
  );
  root.write(
    "handlers.d/20-broken.yaml",
    "id: broken\nevent: client_create\npriority: urgent\ncomand: /bin/true\n",
  );
  root.write("handlers.d/30-typo.yaml", "event: clinet_create\ncommand: /bin/true\n");
}

describe("evh list", () => {
  it("shows every handler with its state, and the errors of files that fail to load", async () => {
    const root = newRoot();
    populate(root);
    const r = await root.evh("list");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `ID       EVENT                        PRIORITY  USER     COMMAND                     FILE                       STATE
crm      client_create,client_update  75        (agent)  /bin/echo <new_login_name>  handlers.d/10-crm.yaml     active
off      client_delete                50        (agent)  /bin/true                   handlers.d/10-crm.yaml     disabled
-        -                            -         -        -                           handlers.d/20-broken.yaml  invalid
30-typo  clinet_create                50        (agent)  /bin/true                   handlers.d/30-typo.yaml    active

handlers.d/20-broken.yaml:3: error: priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"
handlers.d/20-broken.yaml:4: error: unknown key "comand" (did you mean "command"?); allowed keys: id, event, priority, user, command, shell, timeout, enabled, when, env, retry, stdin, encoding, cwd, webhook
`,
    );
  });

  it("--json: one object per handler or invalid file", async () => {
    const root = newRoot();
    populate(root);
    const rows = JSON.parse((await root.evh("list", "--json")).stdout);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      id: "crm",
      events: ["client_create", "client_update"],
      priority: 75,
      user: null,
      command: "/bin/echo <new_login_name>",
      file: root.path("handlers.d", "10-crm.yaml"),
      line: 1,
      state: "active",
      reason: null,
      errors: [],
    });
    expect(rows[2]).toMatchObject({
      id: null,
      file: root.path("handlers.d", "20-broken.yaml"),
      line: 3,
      state: "invalid",
      reason: 'priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"',
    });
    expect(rows[2].errors).toHaveLength(2);
  });

  it.skipIf(!isRoot)(
    `marks handlers that run as root "refused by root lock" while var/root.event_handler.lock exists${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      root.write(
        "handlers.d/a.yaml",
        "id: as-agent\nevent: '*'\ncommand: /bin/true\n---\nid: as-root\nevent: '*'\nuser: root\ncommand: /bin/true\n---\nid: as-nobody\nevent: '*'\nuser: nobody\ncommand: /bin/true\n",
      );
      root.write("var/root.event_handler.lock", "");
      const states = JSON.parse((await root.evh("list", "--json")).stdout).map(
        (r: { id: string; state: string }) => `${r.id} ${r.state}`,
      );
      expect(states).toEqual([
        "as-agent refused by root lock",
        "as-root refused by root lock",
        "as-nobody active",
      ]);
    },
  );
});

describe("evh validate", () => {
  it.skipIf(!isRoot)(
    `refuses every file of a handlers.d/ that another user owns${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      root.write("handlers.d/a.yaml", "id: a\nevent: client_create\ncommand: /bin/true\n");
      root.write("handlers.d/b.yaml", "id: b\nevent: client_create\ncommand: /bin/true\n");
      const nobody = lookupUser("nobody")?.uid ?? 65534;
      chownSync(root.handlersDir, nobody, 0);
      const r = await root.evh("validate");
      expect(r.code).toBe(1);
      const why = `refused: the directory ${root.handlersDir} is owned by uid ${nobody} (nobody), not root; as root, evh loads only handler files that nobody but root can change (fix: chown root ${root.handlersDir})`;
      expect(r.stdout.trim().split("\n")).toEqual([
        `handlers.d/a.yaml:1: error: ${why}`,
        `handlers.d/b.yaml:1: error: ${why}`,
      ]);
    },
  );

  it("prints every error and warning as file:line: severity: message and exits 1 on an error", async () => {
    const root = newRoot();
    populate(root);
    const r = await root.evh("validate");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `handlers.d/20-broken.yaml:3: error: priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"
handlers.d/20-broken.yaml:4: error: unknown key "comand" (did you mean "command"?); allowed keys: id, event, priority, user, command, shell, timeout, enabled, when, env, retry, stdin, encoding, cwd, webhook
handlers.d/30-typo.yaml:1: warning: event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?)
`,
    );
    expect(errorLine(r)).toBe("evh: handlers.d: 3 handlers in 3 files, 2 errors, 1 warning");
    const json = await root.evh("validate", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)[2]).toEqual({
      file: root.path("handlers.d", "30-typo.yaml"),
      line: 1,
      severity: "warning",
      message:
        'event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?)',
    });
  });

  it("exits 0 with warnings only, and shows absolute paths outside the current directory", async () => {
    const root = newRoot();
    root.write("handlers.d/30-typo.yaml", "event: clinet_create\ncommand: /bin/true\n");
    const r = await runEvh(["validate", "--root", root.dir], { cwd: root.path("spool") });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${root.path("handlers.d", "30-typo.yaml")}:1: warning: event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?)\n`,
    );
  });

  it("reads handlers_dir from --config, as the agent does", async () => {
    const root = newRoot();
    mkdirSync(root.path("elsewhere"));
    writeFileSync(root.path("elsewhere", "x.yaml"), "event: client_create\nprioriti: 3\n");
    const config = root.write("conf/evh.yaml", `handlers_dir: ${root.path("elsewhere")}\n`);
    const r = await root.evh("validate", "--config", config);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('elsewhere/x.yaml:2: error: unknown key "prioriti"');
  });

  it.skipIf(!isRoot)(
    `as root, refuses a handler file others can write, as the agent does${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      const file = root.write("handlers.d/open.yaml", "event: client_create\ncommand: /bin/true\n");
      chmodSync(file, 0o666);
      const r = await root.evh("validate");
      expect(r.code).toBe(1);
      expect(r.stdout).toBe(
        `handlers.d/open.yaml:1: error: refused: the file is writable by group or others (mode 0666); as root, evh loads only handler files that nobody but root can change (fix: chmod go-w ${file})\n`,
      );
    },
  );
});
