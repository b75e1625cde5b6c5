import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parsePleskArgs } from "../../src/cli/plesk-syntax.js";
import { UsageError } from "../../src/errors/evh-error.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();
const me = userInfo().username;

describe("parsePleskArgs", () => {
  it("reads Plesk's words: one operation with --, options with -", () => {
    expect(
      parsePleskArgs([
        "--create",
        "-event",
        "domain_create",
        "-priority",
        "50",
        "-user",
        "root",
        "-command",
        "/usr/local/bin/sync.sh <new_domain_name>",
        "--root",
        "/srv/evh",
      ]),
    ).toEqual({
      operation: {
        op: "create",
        fields: {
          event: "domain_create",
          priority: 50,
          user: "root",
          command: "/usr/local/bin/sync.sh <new_domain_name>",
          shell: false,
        },
        force: false,
      },
      root: "/srv/evh",
    });
    expect(parsePleskArgs(["--update", "7", "-priority", "0"])).toEqual({
      operation: { op: "update", id: "7", fields: { priority: 0 } },
    });
    expect(parsePleskArgs(["-delete", "7"])).toEqual({ operation: { op: "delete", id: "7" } });
    expect(parsePleskArgs(["--list", "--config=/etc/evh/evh.yaml"])).toEqual({
      operation: { op: "list" },
      config: "/etc/evh/evh.yaml",
    });
  });

  it("reads the short forms of Plesk's utilities: -c, -u, -d, -l, -h", () => {
    expect(parsePleskArgs(["-l"])).toEqual({ operation: { op: "list" } });
    expect(parsePleskArgs(["-d", "4"])).toEqual({ operation: { op: "delete", id: "4" } });
    expect(parsePleskArgs(["-u", "4", "-priority", "10"])).toEqual({
      operation: { op: "update", id: "4", fields: { priority: 10 } },
    });
    expect(parsePleskArgs(["-c", "-event", "e", "-command", "/bin/true"])).toMatchObject({
      operation: { op: "create", fields: { event: "e", command: "/bin/true" } },
    });
    expect(parsePleskArgs(["-h"])).toEqual({ operation: { op: "help" } });
  });

  it("translates -command as Plesk meant it, keeping the text as given", () => {
    expect(
      parsePleskArgs(["-c", "-event", "e", "-command", "/bin/echo $NEW_MAILNAME"]),
    ).toMatchObject({
      operation: {
        fields: {
          command: "/bin/echo <new_mailname>",
          shell: false,
          commandAsGiven: "/bin/echo $NEW_MAILNAME",
        },
      },
    });
    expect(
      parsePleskArgs(["-u", "2", "-command", "/bin/echo <new_mailname> >> /tmp/log"]),
    ).toMatchObject({
      operation: {
        fields: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, written into the file
          command: '/bin/echo "${NEW_MAILNAME}" >> /tmp/log',
          shell: true,
          commandAsGiven: "/bin/echo <new_mailname> >> /tmp/log",
        },
      },
    });
  });

  it.each([
    [
      ["--create", "-event", "x"],
      'event_handler --create needs -command COMMAND (e.g. -command "/usr/local/bin/sync.sh <new_login_name>")',
    ],
    [
      ["--create", "-command", "/bin/true"],
      "event_handler --create needs -event EVENT (e.g. -event client_create)",
    ],
    [
      ["--create", "-event", "x", "-command", "c", "-priority", "101"],
      '-priority must be 0..100 or lowest|low|normal|high|highest, got "101"',
    ],
    [
      ["--lst"],
      'event_handler: unknown option --lst (did you mean "--list"?); evh event_handler --help shows the syntax',
    ],
    [["--delete"], "event_handler: --delete needs a handler id (--delete ID)"],
    [["--list", "--delete", "3"], "event_handler: give one operation, got --list and --delete"],
    [["--delete", "3", "-event", "x"], "event_handler: -event is not used with --delete"],
    [
      ["--update", "3"],
      "event_handler --update needs at least one of -event, -priority, -user, -command",
    ],
    [["--create", "-event", "x", "-command"], "event_handler: -command needs a value"],
    [
      ["--create", "-event", "x", "/bin/true"],
      'event_handler: unexpected argument "/bin/true"; quote a command with spaces: -command "..."',
    ],
    [
      [],
      "event_handler: give an operation: --create, --update ID, --delete ID, --list, --list-events or --list-users",
    ],
  ])("refuses %j", (args, message) => {
    expect(() => parsePleskArgs(args)).toThrow(new UsageError(message));
  });
});

describe("evh event_handler", () => {
  it("creates (printing the number), re-creates idempotently unless -force, updates, lists and deletes", async () => {
    const root = newRoot();
    const create = ["event_handler", "--create", "-event", "domain_create", "-priority", "75"];
    const rest = ["-user", me, "-command", "/bin/echo <new_domain_name>"];
    const made = await root.evh(...create, ...rest);
    expect(made).toEqual({ code: 0, stdout: "1\n", stderr: "" });
    expect(parse(root.read("handlers.d/domain_create-1.yaml"))).toEqual({
      id: "domain_create-1",
      event: "domain_create",
      priority: 75,
      user: me,
      command: "/bin/echo <new_domain_name>",
    });
    const again = await root.evh(...create, ...rest);
    expect(again).toEqual({
      code: 0,
      stdout: "1\n",
      stderr:
        'evh: handler 1 ("domain_create-1", handlers.d/domain_create-1.yaml:3) already runs this command for this event and user: nothing created (-force creates another one)\n',
    });
    expect(root.names("handlers.d")).toEqual(["domain_create-1.yaml"]);
    expect((await root.evh(...create, ...rest, "-force")).stdout).toBe("2\n");
    const updated = await root.evh("event_handler", "--update", "2", "-priority", "10");
    expect(updated).toMatchObject({ code: 0, stdout: "2\n" });
    expect(parse(root.read("handlers.d/domain_create-2.yaml"))).toMatchObject({ priority: 10 });
    // evh's own ids still work
    const byName = await root.evh("event_handler", "-u", "domain_create-2", "-priority", "11");
    expect(byName).toMatchObject({ code: 0, stdout: "2\n" });
    const list = await root.evh("event_handler", "--list");
    expect(list.stdout).toBe(
      [
        "   Id               1",
        "   Name             Subscription (default domain) created",
        "   Priority         75",
        `   User             ${me}`,
        "   Command          /bin/echo <new_domain_name>",
        "",
        "   Id               2",
        "   Name             Subscription (default domain) created",
        "   Priority         11",
        `   User             ${me}`,
        "   Command          /bin/echo <new_domain_name>",
        "",
      ].join("\n"),
    );
    expect(await root.evh("event_handler", "--delete", "1")).toMatchObject({ code: 0 });
    expect(root.names("handlers.d")).toEqual(["domain_create-2.yaml"]);
    const unknown = await root.evh("event_handler", "--delete", "1");
    expect(unknown.code).toBe(1);
    expect(errorLine(unknown)).toBe(
      "evh: no handler with number 1; evh event_handler --list shows the numbers",
    );
    // The native command keeps refusing a duplicate.
    const native = await root.evh(
      "create",
      "--event",
      "domain_create",
      "--user",
      me,
      "--command",
      "/bin/echo <new_domain_name>",
    );
    expect(native.code).toBe(1);
    expect(errorLine(native)).toContain("already runs this command for this event and user");
  });

  it("numbers concurrent creates apart, and refuses a damaged number registry without touching it", async () => {
    const root = newRoot();
    const made = await Promise.all(
      ["client_create", "domain_create", "site_create"].map((event) =>
        root.evh("event_handler", "-c", "-event", event, "-command", "/bin/true"),
      ),
    );
    expect(made.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(made.map((r) => r.stdout).sort()).toEqual(["1\n", "2\n", "3\n"]);
    // Each keeps the number its create printed: none was retired by another's older view.
    const listed = (await root.evh("event_handler", "--list")).stdout;
    const ids = [...listed.matchAll(/Id +(\d+)\n +Name +(.*)\n/g)].map((m) => [m[2], `${m[1]}\n`]);
    expect(Object.fromEntries(ids)).toEqual({
      "Customer account created": made[0]?.stdout,
      "Subscription (default domain) created": made[1]?.stdout,
      "Domain (additional site) created": made[2]?.stdout,
    });
    expect(root.names("var")).toEqual(["plesk-ids.json"]);
    root.write("var/plesk-ids.json", "{not json", 0o600);
    const list = await root.evh("event_handler", "--list");
    expect(list.code).toBe(1);
    expect(errorLine(list)).toBe(
      "evh: var/plesk-ids.json is not a valid handler number registry; restore it from a backup, or remove it to number the handlers anew (old numbers then name other handlers)",
    );
    expect(root.read("var/plesk-ids.json")).toBe("{not json");
    expect(root.names("var")).toEqual(["plesk-ids.json"]);
  });

  it("refuses a missing -command and a bad priority as bad usage (exit 2)", async () => {
    const root = newRoot();
    const noCommand = await root.evh("event_handler", "--create", "-event", "client_create");
    expect(noCommand.code).toBe(2);
    expect(errorLine(noCommand)).toBe(
      'evh: event_handler --create needs -command COMMAND (e.g. -command "/usr/local/bin/sync.sh <new_login_name>")',
    );
    const badPriority = await root.evh(
      "event_handler",
      "--create",
      "-event",
      "client_create",
      "-priority",
      "101",
      "-command",
      "/bin/true",
    );
    expect(badPriority.code).toBe(2);
    expect(errorLine(badPriority)).toBe(
      'evh: -priority must be 0..100 or lowest|low|normal|high|highest, got "101"',
    );
    const badUser = await root.evh(
      "event_handler",
      "--create",
      "-event",
      "client_create",
      "-user",
      "no-such-user-here",
      "-command",
      "/bin/true",
    );
    expect(badUser.code).toBe(2);
    expect(errorLine(badUser)).toBe(
      'evh: -user: user "no-such-user-here" does not exist on this system',
    );
    expect(root.names("handlers.d")).toEqual([]);
  });

  it("lists events and users, and explains itself with --help", async () => {
    const root = newRoot();
    const [events, users, help] = await Promise.all([
      root.evh("event_handler", "--list-events"),
      root.evh("event_handler", "--list-users"),
      root.evh("event_handler", "--help"),
    ]);
    expect(events.stdout).toMatch(/^ {3}client_create {28}Customer account created$/m);
    expect(events.stdout).not.toContain("TITLE");
    expect(users.stdout).toMatch(/^root$/m);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      "--create, -c -event E -command C [-priority P] [-user U] [-force]",
    );
  });
});
