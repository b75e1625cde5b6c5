import { chmodSync, chownSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { lookupUser } from "../../src/system/system-users.js";
import { startAgent } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { waitFor } from "../helpers/wait-for.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();
const me = userInfo().username;
const nobodyUid = () => lookupUser("nobody")?.uid ?? 65534;
const nobodyGid = () => lookupUser("nobody")?.gid ?? 65534;

describe("evh create", () => {
  it("writes handlers.d/<id>.yaml (mode 0600) that the agent's loader accepts, and prints the id", async () => {
    const root = newRoot();
    const command = `/bin/echo '<new_login_name>' "two words" it\\'s`;
    const r = await root.evh(
      "create",
      "--event",
      "client_create",
      "--command",
      command,
      "--priority",
      "high",
      "--user",
      me,
      "--timeout",
      "30s",
    );
    expect(r).toEqual({ code: 0, stdout: "client_create-1\n", stderr: "" });
    expect(root.names("handlers.d")).toEqual(["client_create-1.yaml"]);
    const file = root.path("handlers.d", "client_create-1.yaml");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parse(root.read("handlers.d/client_create-1.yaml"))).toEqual({
      id: "client_create-1",
      event: "client_create",
      priority: "high",
      user: me,
      command,
      timeout: "30s",
    });
    const check = await root.evh("validate");
    expect(check.code).toBe(0);
    expect(check.stdout).toBe("");
    // The next default id for the same event is the next free number.
    const next = await root.evh("create", "--event", "client_create", "--command", "/bin/true");
    expect(next.stdout).toBe("client_create-2\n");
  });

  it.skipIf(!isRoot)(`writes a root-owned file when run as root${ROOT_ONLY}`, async () => {
    const root = newRoot();
    await root.evh("create", "--event", "client_create", "--command", "/bin/true", "--id", "x");
    expect(statSync(root.path("handlers.d", "x.yaml")).uid).toBe(0);
  });

  it.skipIf(!isRoot)(
    `refuses to write into a handlers.d/ others can write, which the agent would refuse${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      chmodSync(root.handlersDir, 0o777);
      const r = await root.evh("create", "--event", "client_create", "--command", "/bin/true");
      expect(r.code).toBe(1);
      expect(errorLine(r)).toBe(
        `evh: handlers.d is writable by group or others, so the agent (as root) refuses every handler file in it; fix: chmod go-w ${root.handlersDir}`,
      );
      expect(root.names("handlers.d")).toEqual([]);
    },
  );

  it.skipIf(!isRoot)(
    `refuses to write into a handlers.d/ another user owns, which the agent would refuse${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      chownSync(root.handlersDir, nobodyUid(), 0);
      const r = await root.evh("create", "--event", "client_create", "--command", "/bin/true");
      expect(r.code).toBe(1);
      expect(errorLine(r)).toBe(
        `evh: handlers.d is owned by uid ${nobodyUid()}, not root, so the agent (as root) refuses every handler file in it; fix: chown root ${root.handlersDir}`,
      );
      expect(root.names("handlers.d")).toEqual([]);
    },
  );

  it("warns about an event outside the catalogue with a did-you-mean, and creates it", async () => {
    const root = newRoot();
    const r = await root.evh("create", "--event", "clinet_create", "--command", "/bin/true");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("clinet_create-1\n");
    expect(errorLine(r)).toBe(
      'evh: warning: event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?)',
    );
  });

  it.each([
    [
      ["--priority", "101"],
      'evh: --priority must be 0..100 or lowest|low|normal|high|highest, got "101"',
    ],
    [
      ["--timeout", "soon"],
      'evh: --timeout must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got "soon"',
    ],
    [
      ["--timeout", "30"],
      'evh: --timeout must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got "30": add a unit: 30s or 30ms',
    ],
    [
      ["--user", "no-such-user-here"],
      'evh: --user: user "no-such-user-here" does not exist on this system',
    ],
    [
      ["--id", "../escape"],
      'evh: --id: id must be up to 128 letters, digits and . _ - @ # : +, starting with a letter, digit or _, got "../escape"',
    ],
    [
      ["--event", "Client_Create"],
      'evh: --event: event must be an event id (a lower-case letter, then up to 63 lower-case letters, digits or _) or a glob, got "Client_Create" (did you mean "client_create"?)',
    ],
    [
      ["--command", "/nonexistent/sync.sh"],
      "evh: --command: program /nonexistent/sync.sh does not exist",
    ],
  ])("refuses %j as bad usage (exit 2), writing nothing", async (flags, message) => {
    const root = newRoot();
    const args = ["--event", "client_create", "--command", "/bin/true"];
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i] as string);
      if (at >= 0) args.splice(at, 2);
    }
    const r = await root.evh("create", ...args, ...flags);
    expect(r.code).toBe(2);
    expect(errorLine(r)).toBe(message);
    expect(root.names("handlers.d")).toEqual([]);
  });

  it("refuses a missing --command as bad usage", async () => {
    const root = newRoot();
    const r = await root.evh("create", "--event", "client_create");
    expect(r.code).toBe(2);
    expect(errorLine(r)).toBe(
      "evh: required option '--command <command>' not specified (--help shows the usage)",
    );
  });

  it("refuses a duplicate (same event, user and command) unless --force", async () => {
    const root = newRoot();
    const args = ["create", "--event", "client_create", "--command", "/bin/echo  <new_login_name>"];
    expect((await root.evh(...args)).code).toBe(0);
    const again = await root.evh(...args.slice(0, 3), "--command", "/bin/echo <new_login_name>");
    expect(again.code).toBe(1);
    expect(errorLine(again)).toBe(
      'evh: handler "client_create-1" (handlers.d/client_create-1.yaml:3) already runs this command for this event and user; --force creates another one',
    );
    expect(root.names("handlers.d")).toEqual(["client_create-1.yaml"]);
    const forced = await root.evh(...args, "--force");
    expect(forced).toMatchObject({ code: 0, stdout: "client_create-2\n" });
  });

  it("refuses a taken id; --force replaces a file evh wrote, never an administrator's", async () => {
    const root = newRoot();
    root.write("handlers.d/crm.yaml", "id: crm-sync\nevent: client_create\ncommand: /bin/true\n");
    const create = (id: string, ...more: string[]) =>
      root.evh(
        "create",
        "--event",
        "domain_create",
        "--command",
        "/bin/false",
        "--id",
        id,
        ...more,
      );
    expect((await create("mine")).code).toBe(0);
    const taken = await create("mine");
    expect(taken.code).toBe(1);
    expect(errorLine(taken)).toBe(
      'evh: handler id "mine" is taken: defined in handlers.d/mine.yaml:3; choose another --id (or --force to replace it)',
    );
    const replaced = await root.evh(
      "create",
      "--event",
      "service_restart",
      "--command",
      "/bin/true",
      "--id",
      "mine",
      "--force",
    );
    expect(replaced.code).toBe(0);
    expect(parse(root.read("handlers.d/mine.yaml")).event).toBe("service_restart");
    const theirs = await create("crm-sync", "--force");
    expect(theirs.code).toBe(1);
    expect(errorLine(theirs)).toBe(
      'evh: handler id "crm-sync" is taken: defined in handlers.d/crm.yaml:1; choose another --id',
    );
  });

  it("is picked up by a running agent without a signal", async () => {
    const root = newRoot();
    root.write("evh.yaml", "rescan_interval: 200ms\nsettle_delay: 200ms\ngrace: 2s\n");
    const agent = await startAgent(root.dir);
    try {
      const out = root.path("runs.txt");
      const r = await root.evh(
        "create",
        "--event",
        "client_create",
        "--command",
        `${fixtureScript("record-run.sh")} ${out}`,
        "--id",
        "recorder",
      );
      expect(r.code).toBe(0);
      await agent.waitForOutput("handlers reloaded");
      await root.evh("emit", "client_create", "NEW_LOGIN_NAME=a", "NEW_CONTACT_NAME=b");
      await waitFor(() => root.names(".").includes("runs.txt"), 10_000, "the handler to run");
      expect(root.read("runs.txt")).toMatch(/ recorder 1\n$/);
    } finally {
      expect((await agent.stop()).code).toBe(0);
    }
  });
});

describe("evh update", () => {
  it("keeps the mode the administrator gave the file (and its group, as root)", async () => {
    const root = newRoot();
    await root.evh("create", "--event", "client_create", "--command", "/bin/true", "--id", "h1");
    const file = root.path("handlers.d", "h1.yaml");
    chmodSync(file, 0o640);
    if (isRoot) chownSync(file, 0, nobodyGid());
    expect((await root.evh("update", "h1", "--priority", "10")).code).toBe(0);
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    if (isRoot) expect(statSync(file).gid).toBe(nobodyGid());
    expect(parse(root.read("handlers.d/h1.yaml"))).toMatchObject({ priority: 10 });
  });

  it("changes only the given keys of a handler evh created, keeping the rest", async () => {
    const root = newRoot();
    await root.evh("create", "--event", "client_create", "--command", "/bin/true", "--id", "h1");
    const before = root.read("handlers.d/h1.yaml");
    const r = await root.evh("update", "h1", "--priority", "10", "--enabled", "false");
    expect(r).toEqual({ code: 0, stdout: "h1\n", stderr: "" });
    const after = root.read("handlers.d/h1.yaml");
    expect(after.startsWith(before.split("\n")[0] as string)).toBe(true); // the comment stays
    expect(parse(after)).toEqual({
      id: "h1",
      event: "client_create",
      command: "/bin/true",
      priority: 10,
      enabled: false,
    });
    const list = await root.evh("list", "--json");
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: "h1", priority: 10, state: "disabled" });
  });

  it("names an unknown id, with a did-you-mean", async () => {
    const root = newRoot();
    await root.evh("create", "--event", "client_create", "--command", "/bin/true", "--id", "crm");
    const r = await root.evh("update", "crn", "--priority", "1");
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      'evh: no handler with id "crn" in handlers.d (did you mean "crm"?); evh list shows the ids',
    );
  });

  it("leaves an administrator's files alone, saying which file to edit", async () => {
    const root = newRoot();
    root.write(
      "handlers.d/10-many.yaml",
      "id: a\nevent: client_create\ncommand: /bin/true\n---\nid: b\nevent: client_create\ncommand: /bin/false\n",
    );
    root.write("handlers.d/b2.yaml", "id: b2\nevent: client_create\ncommand: /bin/true\n---\n");
    const other = await root.evh("update", "a", "--priority", "1");
    expect(other.code).toBe(1);
    expect(errorLine(other)).toBe(
      'evh: handler "a" is defined in handlers.d/10-many.yaml:1, not in a file written by evh create; to update it, edit handlers.d/10-many.yaml by hand',
    );
    // A file named after its only handler is fine, whoever wrote it.
    expect((await root.evh("update", "b2", "--priority", "1")).code).toBe(0);
  });

  it("refuses bad values (exit 2) and a call with nothing to change", async () => {
    const root = newRoot();
    await root.evh("create", "--event", "client_create", "--command", "/bin/true", "--id", "h1");
    const bad = await root.evh("update", "h1", "--command", "/nonexistent/x");
    expect(bad.code).toBe(2);
    expect(errorLine(bad)).toBe("evh: --command: program /nonexistent/x does not exist");
    const nothing = await root.evh("update", "h1");
    expect(nothing.code).toBe(2);
    expect(errorLine(nothing)).toBe(
      "evh: nothing to change: give at least one of --event, --command, --priority, --user, --timeout, --enabled",
    );
    expect(parse(root.read("handlers.d/h1.yaml")).command).toBe("/bin/true");
  });
});

describe("evh delete", () => {
  it("removes a handler evh created; refuses unknown ids and other files", async () => {
    const root = newRoot();
    root.write("handlers.d/crm.yaml", "id: crm-sync\nevent: client_create\ncommand: /bin/true\n");
    await root.evh("create", "--event", "client_create", "--command", "/bin/false", "--id", "h1");
    expect(await root.evh("delete", "h1")).toEqual({ code: 0, stdout: "h1\n", stderr: "" });
    expect(root.names("handlers.d")).toEqual(["crm.yaml"]);
    const gone = await root.evh("delete", "h1");
    expect(gone.code).toBe(1);
    expect(errorLine(gone)).toBe(
      'evh: no handler with id "h1" in handlers.d; evh list shows the ids',
    );
    const theirs = await root.evh("delete", "crm-sync");
    expect(theirs.code).toBe(1);
    expect(errorLine(theirs)).toBe(
      'evh: handler "crm-sync" is defined in handlers.d/crm.yaml:1, not in a file written by evh create; to delete it, edit handlers.d/crm.yaml by hand',
    );
  });
});
