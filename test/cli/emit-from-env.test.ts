import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVH_BIN, runEvh } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { evhReachableByOthers } from "../helpers/reachable.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

/** Runs `bin/evh emit --from-env ARGS` with exactly `env` (plus PATH, as a panel would give). */
function emitFromEnv(args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  return runEvh(["emit", "--from-env", ...args], {
    cwd,
    env: { ...blankEnv(), PATH: process.env.PATH, ...env },
  });
}

/** runEvh merges process.env: blank out what the test runner's environment may hold. */
function blankEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of Object.keys(process.env)) {
    if (/^(OLD|NEW)_|^EVH_/.test(name)) env[name] = undefined;
  }
  return env;
}

function spooled(file: string): { event: string; params: Record<string, string> } {
  return JSON.parse(readFileSync(file, "utf8"));
}

describe("evh emit --from-env", () => {
  it("spools every OLD_*/NEW_* variable and nothing else, 0600, through tmp/", async () => {
    const root = newRoot();
    const r = await emitFromEnv(["domain_create", "--root", root.dir], {
      NEW_DOMAIN_NAME: "пример.рф",
      OLD_DOMAIN_NAME: "",
      NEW_SYSTEM_USER_PASSWORD: "s3cret pass; $(id)",
      PLESK_UNRELATED: "x",
      new_lower: "not a Plesk param",
      NEWS: "not a param either",
      HOME: "/root",
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const file = r.stdout.trim();
    expect(path.dirname(file)).toBe(root.path("spool", "new"));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(root.names("spool/tmp")).toEqual([]);
    const body = spooled(file);
    expect(body.event).toBe("domain_create");
    expect(body.params).toEqual({
      NEW_DOMAIN_NAME: "пример.рф",
      NEW_SYSTEM_USER_PASSWORD: "s3cret pass; $(id)",
      OLD_DOMAIN_NAME: "",
    });
  });

  it("finds the root through $EVH_ROOT, and the spool that evh.yaml moves", async () => {
    const root = newRoot();
    root.write("evh.yaml", "spool_dir: queue\n");
    const r = await emitFromEnv(["client_create"], { EVH_ROOT: root.dir, NEW_LOGIN_NAME: "jdoe" });
    expect(r.stderr).toBe("");
    expect(path.dirname(r.stdout.trim())).toBe(root.path("queue", "new"));
    expect(spooled(r.stdout.trim()).params).toEqual({ NEW_LOGIN_NAME: "jdoe" });
  });

  it("the same command through the full CLI (evh emit EVENT --from-env) gives the same file", async () => {
    const root = newRoot();
    const r = await runEvh(["emit", "client_delete", "--root", root.dir, "--from-env"], {
      env: { ...blankEnv(), OLD_LOGIN_NAME: "jdoe" },
    });
    expect(r.code).toBe(0);
    expect(spooled(r.stdout.trim())).toMatchObject({
      event: "client_delete",
      params: { OLD_LOGIN_NAME: "jdoe" },
    });
    const help = await runEvh(["emit", "--help"]);
    expect(help.stdout).toContain("--from-env");
  });

  it("refuses a directory that is not an evh root, creating nothing there", async () => {
    const root = newRoot();
    const elsewhere = root.path("not-a-root");
    mkdirSync(elsewhere);
    const r = await emitFromEnv(["domain_create", "--root", elsewhere], { NEW_DOMAIN_NAME: "a.b" });
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      `evh: ${elsewhere} (chosen by --root) is not an evh root: it has no evh.yaml and no handlers.d/; the event was NOT queued: give the root with --root DIR, or create one with evh init`,
    );
    expect(root.names("not-a-root")).toEqual([]);
  });

  it("exits 1 with one line when spool/tmp is a symbolic link, and follows nothing", async () => {
    const root = newRoot();
    root.write("spool/elsewhere/.keep", "");
    const tmp = root.path("spool", "tmp");
    spawnSync("rmdir", [tmp]);
    symlinkSync(root.path("spool", "elsewhere"), tmp);
    const r = await emitFromEnv(["domain_create", "--root", root.dir], { NEW_DOMAIN_NAME: "a.b" });
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      `evh: could not spool the event: refusing ${tmp}: it is a symbolic link; give the real directory instead; the event was NOT queued`,
    );
    expect(root.names("spool/elsewhere")).toEqual([".keep"]);
    expect(root.names("spool/new")).toEqual([]);
  });

  it("refuses a spool folder that every user can write, as the agent would", async () => {
    const root = newRoot();
    chmodSync(root.path("spool"), 0o777);
    const r = await emitFromEnv(["domain_create", "--root", root.dir], { NEW_DOMAIN_NAME: "a.b" });
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      `evh: could not spool the event: refusing ${root.path("spool")}: every user can write to it (mode 0777); chmod o-w it; the event was NOT queued`,
    );
    expect(root.names("spool/new")).toEqual([]);
  });

  const others = evhReachableByOthers(EVH_BIN);
  it.skipIf(!isRoot || !others.reachable)(
    `exits 1 with one line naming the path when the spool is not writable${ROOT_ONLY}${others.note}`,
    () => {
      const root = newRoot();
      // A panel handler registered as another user than the agent's: spool/tmp is root's, 0755.
      const r = spawnSync(EVH_BIN, ["emit", "--from-env", "domain_create", "--root", root.dir], {
        env: { PATH: process.env.PATH, NEW_DOMAIN_NAME: "a.b" },
        uid: 65534,
        gid: 65534,
        encoding: "utf8",
      });
      expect(r.status).toBe(1);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^evh: could not spool event domain_create at ${root.path("spool", "tmp")}/\\d{13}-\\d+-[0-9a-f]{8}\\.json \\(EACCES: permission denied\\); the event was NOT queued: run as the agent's user \\(root\\) or a member of its producer_group$`,
        ),
      );
      expect(root.names("spool/new")).toEqual([]);
    },
  );

  it.skipIf(!isRoot)(
    `exits 1 with one line when the disk is full, leaving no partial file${ROOT_ONLY}`,
    async (ctx) => {
      const root = newRoot();
      const disk = root.path("small");
      mkdirSync(disk);
      const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]);
      if (mounted.status !== 0) return ctx.skip("cannot mount a tmpfs here");
      try {
        mkdirSync(path.join(disk, "handlers.d"));
        spawnSync("sh", ["-c", `cat /dev/zero > ${disk}/filler`]); // stops at ENOSPC
        const r = await emitFromEnv(["domain_create", "--root", disk], {
          NEW_DOMAIN_NAME: "a.b",
          NEW_NOTES: "x".repeat(32 * 1024),
        });
        expect(r.code).toBe(1);
        expect(errorLine(r)).toMatch(
          new RegExp(
            `^evh: could not spool event domain_create at ${disk}/spool/tmp/\\d{13}-\\d+-[0-9a-f]{8}\\.json \\(ENOSPC: no space left on device\\); the event was NOT queued: free space on that file system$`,
          ),
        );
        expect(readdirSync(path.join(disk, "spool", "tmp"))).toEqual([]);
        expect(readdirSync(path.join(disk, "spool", "new"))).toEqual([]);
      } finally {
        spawnSync("umount", [disk]);
      }
    },
  );

  it("bad usage exits 2: a malformed event, params on the command line", async () => {
    const root = newRoot();
    const bad = await emitFromEnv(["Domain-Create", "--root", root.dir], {});
    expect(bad.code).toBe(2);
    expect(errorLine(bad)).toBe(
      'evh: event must match ^[a-z][a-z0-9_]{0,63}$ (e.g. domain_create), got "Domain-Create"',
    );
    const extra = await emitFromEnv(
      ["domain_create", "NEW_DOMAIN_NAME=a.b", "--root", root.dir],
      {},
    );
    expect(extra.code).toBe(2);
    expect(errorLine(extra)).toBe(
      'evh: --from-env takes the params from the environment only; unexpected "NEW_DOMAIN_NAME=a.b"; usage: evh emit --from-env EVENT [--root DIR] [--config FILE]',
    );
    const help = await emitFromEnv(["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout.split("\n")[0]).toBe(
      "usage: evh emit --from-env EVENT [--root DIR] [--config FILE]",
    );
    const none = await emitFromEnv(["--root", root.dir], {});
    expect(none.code).toBe(2);
    expect(root.names("spool/new")).toEqual([]);
  });
});
