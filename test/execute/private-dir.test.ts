import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PrivateDir } from "../../src/execute/private-dir.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("PrivateDir", () => {
  it("removes what a process that is gone left (kill -9), keeps a live process's, names its own by pid", () => {
    const base = mkdtempSync(path.join(tmpdir(), "evh-private-"));
    dirs.push(base);
    const gone = spawnSync("true").pid as number; // exited: its pid is free
    const stale = path.join(base, `p-${gone}-AbC123`);
    mkdirSync(stale);
    writeFileSync(path.join(stale, "params-7"), "PASSWORD=secret\n");
    const live = `p-${process.ppid}-XyZ789`;
    mkdirSync(path.join(base, live));
    mkdirSync(path.join(base, "p-users-1-AbC123")); // another prefix's: not looked at
    mkdirSync(path.join(base, "p-notapid"));

    const made = new PrivateDir("p-", 0o700, () => base).ensure();

    expect(path.basename(made)).toMatch(new RegExp(`^p-${process.pid}-.{6}$`));
    expect(readdirSync(base).sort()).toEqual(
      [live, path.basename(made), "p-notapid", "p-users-1-AbC123"].sort(),
    );
  });
});
