import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { userInfo } from "node:os";
import { describe, expect, test } from "vitest";
import { waitForLog } from "../helpers/agent-log.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, runEvh } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readNulList } from "../helpers/nul-list.js";
import { waitFor } from "../helpers/wait-for.js";

/**
 * Plesk drop-in (SPEC §6): scripts written for `plesk bin event_handler`,
 * with that one word changed, driving the real bin/evh as they drive Plesk.
 * The scripts are modelled on public installers and uninstallers (a DNS
 * integration's shell scripts, a certificate extension's PHP glue).
 */
const newRoot = useE2eRoots();
const me = userInfo().username;
const PLESK = new URL("../fixtures/plesk/", import.meta.url).pathname;

const evh = (root: E2eRoot, ...args: string[]) =>
  runEvh(args, { cwd: root.dir, env: { EVH_ROOT: root.dir }, timeoutMs: 60_000 });

/** Runs a fixture script of test/fixtures/plesk/ with bash, as an administrator would. */
function script(root: E2eRoot, name: string, ...args: string[]): string {
  const result = spawnSync("bash", [`${PLESK}${name}`, EVH_BIN, ...args], {
    cwd: root.dir,
    env: { ...process.env, EVH_ROOT: root.dir, NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 170_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

const handlerFiles = (root: E2eRoot) => readdirSync(root.handlersDir).sort();

interface Block {
  readonly id: number;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * A parser of `--list` written the way a PHP extension parses Plesk's: a line
 * `^\s*Id\s+(\d+)` starts a block, the other lines are `Label   value`.
 */
function parseBlocks(listing: string): Block[] {
  const blocks: { id: number; fields: Record<string, string> }[] = [];
  for (const line of listing.split(/\r\n|\r|\n/)) {
    const id = /^\s*Id\s+(\d+)/.exec(line);
    if (id) {
      blocks.push({ id: Number(id[1]), fields: {} });
      continue;
    }
    const field = /^\s+(\w+)\s+(.*)$/.exec(line);
    const block = blocks.at(-1);
    if (field && block) block.fields[field[1] as string] = field[2] as string;
  }
  return blocks;
}

/** The ids of the blocks whose text mentions a marker (the extension's own handlers). */
const ownIds = (listing: string, marker: string) =>
  parseBlocks(listing)
    .filter((b) => Object.values(b.fields).some((v) => v.includes(marker)))
    .map((b) => b.id);

describe("Plesk drop-in: installers and uninstallers", () => {
  test("an installer registers its handlers, a re-run replaces them by number, the uninstaller removes exactly those", async () => {
    const root = newRoot();
    const hook = root.write("hooks/dns-sync.sh", "#!/bin/sh\nexit 0\n", 0o755);
    const operator = await evh(
      root,
      "event_handler",
      "--create",
      "-event",
      "client_create",
      "-user",
      me,
      "-command",
      "/bin/true",
    );
    expect(operator).toMatchObject({ code: 0, stdout: "1\n" });

    // Six of the installer's twelve events: each bin/evh call costs a Node start on shared cores.
    const events = [
      "domain_create",
      "site_create",
      "domain_update",
      "site_alias_update",
      "domain_delete",
      "site_delete",
    ];
    const installed = script(root, "install.sh", hook, me, ...events);
    expect(installed).toMatch(/^\[\+\] Registered 6 event handlers$/m);
    expect(installed).not.toContain("Failed");
    const first = parseBlocks((await evh(root, "event_handler", "--list")).stdout);
    expect(first.map((b) => b.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first[1]?.fields).toEqual({
      Name: "Subscription (default domain) created",
      Priority: "10",
      User: me,
      Command: `bash -c ${hook}`,
    });

    // Re-run: "delete ours by id, then create" finds them, and no number comes back.
    const reinstalled = script(root, "install.sh", hook, me, ...events);
    expect(reinstalled).toMatch(/^\[\+\] Registered 6 event handlers$/m);
    expect(reinstalled).not.toContain("Failed");
    const second = parseBlocks((await evh(root, "event_handler", "--list")).stdout);
    expect(second.map((b) => b.id)).toEqual([1, 8, 9, 10, 11, 12, 13]);
    expect(handlerFiles(root)).toHaveLength(7);

    // A create-only re-run (an installer without the delete step) doubles nothing.
    const again = await evh(
      root,
      "event_handler",
      "--create",
      "-command",
      `bash -c ${hook}`,
      "-priority",
      "10",
      "-user",
      me,
      "-event",
      "domain_create",
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("8\n");
    expect(again.stderr).toMatch(/^evh: handler 8 \("domain_create-\d+", .*nothing created/);
    expect(handlerFiles(root)).toHaveLength(7);

    expect(script(root, "uninstall.sh", hook)).toBe("[+] Removed 6 event handlers\n");
    expect(handlerFiles(root)).toEqual(["client_create-1.yaml"]);
    const left = parseBlocks((await evh(root, "event_handler", "-l")).stdout);
    expect(left.map((b) => [b.id, b.fields.Command])).toEqual([[1, "/bin/true"]]);
  }, 240_000);
});

describe("Plesk drop-in: numbers", () => {
  test("a PHP-style parser finds its own handlers; numbers stay across lists, deletes, agent restarts and hand-written files", async () => {
    const root = newRoot();
    const reconcile = root.write("bin/robocertsentry-reconcile.sh", "#!/bin/sh\nexit 0\n", 0o755);
    const create = (event: string, command: string) =>
      evh(
        root,
        "event_handler",
        "--create",
        "-command",
        command,
        "-event",
        event,
        "-user",
        me,
        "-priority",
        "50",
      );
    expect((await create("ssl_web_binding_update", reconcile)).stdout).toBe("1\n");
    expect((await create("domain_create", "/bin/true")).stdout).toBe("2\n");
    expect((await create("ssl_web_mail_binding_update", reconcile)).stdout).toBe("3\n");
    root.handler("50-hand.yaml", { id: "hand-made", event: "client_create", command: "/bin/true" });

    const list = async () => {
      const result = await evh(root, "event_handler", "--list");
      expect(result.code).toBe(0);
      return result.stdout;
    };
    const listing = await list();
    expect(parseBlocks(listing).map((b) => [b.id, b.fields.Name])).toEqual([
      [1, "SSL/TLS certificate on domain assigned/unassigned"],
      [2, "Subscription (default domain) created"],
      [3, "SSL/TLS certificate on webmail assigned/unassigned"],
      [4, "Customer account created"],
    ]);
    expect(await list()).toBe(listing);
    expect((await evh(root, "event_handler", "-l")).stdout).toBe(listing);

    // The agent starting and stopping changes nothing.
    const agent = await root.start();
    await agent.stop();
    await (await root.start()).stop();
    expect(await list()).toBe(listing);

    for (const id of ownIds(listing, "robocertsentry")) {
      expect((await evh(root, "event_handler", "--delete", String(id))).code).toBe(0);
    }
    expect(parseBlocks(await list()).map((b) => b.id)).toEqual([2, 4]);

    // A hand-written file removed, then written again: a new number, never an old one.
    rmSync(root.path("handlers.d", "50-hand.yaml"));
    expect(parseBlocks(await list()).map((b) => b.id)).toEqual([2]);
    root.handler("50-hand.yaml", { id: "hand-made", event: "client_create", command: "/bin/true" });
    expect((await create("ssl_web_binding_update", reconcile)).stdout).toBe("6\n");
    expect(parseBlocks(await list()).map((b) => b.id)).toEqual([2, 5, 6]);

    const registry = root.path("var", "plesk-ids.json");
    expect(statSync(registry).mode & 0o777).toBe(0o600);
    expect(existsSync(`${registry}.new`)).toBe(false);
    const gone = await evh(root, "event_handler", "--delete", "1");
    expect(gone).toMatchObject({ code: 1 });
    expect(gone.stderr).toBe(
      "evh: no handler with number 1; evh event_handler --list shows the numbers\n",
    );
  }, 180_000);
});

describe("Plesk drop-in: -command as Plesk meant it", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's syntax, named
  test("$NAME, ${NAME}, <name> and a redirection get the value; nothing in it executes", async () => {
    const root = newRoot();
    const dump = fixtureScript("dump-argv.sh");
    const commands = {
      dollar: `${dump} ${root.out("dollar")} $NEW_MAILNAME`,
      braced: `${dump} ${root.out("braced")} \${NEW_MAILNAME}`,
      placeholder: `${dump} ${root.out("placeholder")} <new_mailname>`,
      redirect: `/bin/echo $NEW_MAILNAME >> ${root.out("redirect")}`,
    };
    for (const command of Object.values(commands)) {
      const made = await evh(
        root,
        "event_handler",
        "-c",
        "-event",
        "mailname_update",
        "-command",
        command,
      );
      expect(made.code, made.stderr).toBe(0);
    }
    // The written files show what runs, and the command as given.
    const argvFile = readFileSync(root.path("handlers.d", "mailname_update-1.yaml"), "utf8");
    expect(argvFile).toContain(
      `# -command as given (Plesk syntax): ${JSON.stringify(commands.dollar)}`,
    );
    expect(argvFile).toContain(`command: ${dump} ${root.out("dollar")} <new_mailname>`);
    const shellFile = readFileSync(root.path("handlers.d", "mailname_update-4.yaml"), "utf8");
    expect(shellFile).toContain("shell: true");

    const hostile = `a; touch ${root.out("pwned1")} $(touch ${root.out("pwned2")}) \`touch ${root.out("pwned3")}\``;
    const plan = await evh(root, "test", "mailname_update", `NEW_MAILNAME=${hostile}`);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(JSON.stringify([dump, root.out("dollar"), hostile]));
    expect(plan.stdout).toContain(
      JSON.stringify(["/bin/sh", "-c", `/bin/echo "\${NEW_MAILNAME}" >> ${root.out("redirect")}`]),
    );

    await root.start();
    root.drop({ event: "mailname_update", params: { NEW_MAILNAME: hostile, OLD_MAILNAME: "x" } });
    await waitForLog(root.logFile, (e) => e.message === "event done", "the event done", 30_000);
    for (const name of ["dollar", "braced", "placeholder"]) {
      await waitFor(() => existsSync(root.out(name)), 10_000, name);
      expect(readNulList(root.out(name))).toEqual([hostile]);
    }
    expect(root.lines("redirect")).toEqual([hostile]);
    for (const name of ["pwned1", "pwned2", "pwned3"])
      expect(existsSync(root.out(name))).toBe(false);
  }, 120_000);
});
