import { execFileSync } from "node:child_process";
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { describe, expect, it } from "vitest";
import { runEvh } from "../helpers/evh-process.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

describe("event files carry passwords (SPEC §2)", () => {
  it("evh emit writes 0600 files", async () => {
    const root = newRoot();
    const r = await root.evh("emit", "client_create", "NEW_LOGIN_NAME=jdoe");
    expect(r.code).toBe(0);
    expect(statSync(r.stdout.trim()).mode & 0o777).toBe(0o600);
  });

  it("evh retry moves a failed event back 0600, however wide it was", async () => {
    const root = newRoot();
    root.write("spool/failed/x.json", '{"event":"client_create"}\n', 0o644);
    const r = await root.evh("retry", "x.json");
    expect(r.code).toBe(0);
    expect(statSync(root.path("spool/new/x.json")).mode & 0o777).toBe(0o600);
  });
  it("evh retry leaves the mode of a hard-linked file alone: its other name may be any file", async () => {
    const root = newRoot();
    const other = root.write("other.json", '{"event":"client_create"}\n', 0o644);
    mkdirSync(root.path("spool/failed"), { recursive: true });
    linkSync(other, root.path("spool/failed/x.json"));
    const r = await root.evh("retry", "x.json");
    expect(r.code).toBe(0);
    expect(statSync(other).mode & 0o777).toBe(0o644);
  });
});

describe("a spool folder another user could control is refused (SPEC §1)", () => {
  /** A root whose spool/STATE is a symlink to a folder elsewhere. */
  function symlinked(state: string) {
    const root = newRoot();
    const elsewhere = root.path("elsewhere");
    mkdirSync(elsewhere);
    chmodSync(elsewhere, 0o755);
    rmSync(root.path("spool", state), { recursive: true, force: true });
    mkdirSync(root.path("spool"), { recursive: true });
    symlinkSync(elsewhere, root.path("spool", state));
    return {
      root,
      elsewhere,
      refused: `refusing ${root.path("spool", state)}: it is a symbolic link`,
    };
  }

  it("by status and retry (failed/ a symlink), touching nothing inside", async () => {
    const { root, elsewhere, refused } = symlinked("failed");
    root.write("elsewhere/x.json", "{}");
    for (const args of [["status"], ["retry", "--all"], ["retry", "x.json"]]) {
      const r = await root.evh(...args);
      expect(r.code).toBe(1);
      expect(errorLine(r)).toBe(`evh: ${refused}; give the real directory instead`);
    }
    expect(readFileSync(`${elsewhere}/x.json`, "utf8")).toBe("{}");
    expect(root.names("spool/new")).toEqual([]);
  });

  it("by emit (new/ a symlink), writing nothing there", async () => {
    const { root, refused } = symlinked("new");
    const r = await root.evh("emit", "client_create", "NEW_PASSWORD=s3cret");
    expect(r.code).toBe(1);
    expect(errorLine(r)).toContain(refused);
    expect(root.names("elsewhere")).toEqual([]);
    expect(root.names("spool/tmp")).toEqual([]);
  });

  it("by the agent (cur/ a symlink), which does not start", async () => {
    const { root, elsewhere, refused } = symlinked("cur");
    const r = await runEvh(["run", "--root", root.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(refused);
    // chmod 0700 on cur/ would have followed the link.
    expect(statSync(elsewhere).mode & 0o777).toBe(0o755);
  });

  it("by emit for a folder every user can write", async () => {
    const root = newRoot();
    chmodSync(root.path("spool/new"), 0o777);
    const r = await root.evh("emit", "client_create", "NEW_LOGIN_NAME=a", "NEW_CONTACT_NAME=A");
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      `evh: refusing ${root.path("spool/new")}: every user can write to it (mode 0777); chmod o-w it`,
    );
  });
});

describe("evh status reads sidecars without following links or blocking (SPEC §2)", () => {
  it("returns promptly and prints nothing from a planted FIFO, /dev/zero or root-only file", async () => {
    const root = newRoot();
    mkdirSync(root.path("spool/failed"), { recursive: true });
    const secret = root.write(
      "secret.json",
      '{"reason":"TOP SECRET","at":"2026-01-01T00:00:00Z"}',
      0o600,
    );
    execFileSync("mkfifo", [root.path("fifo")]);
    for (const [name, target] of [
      ["a.json", root.path("fifo")],
      ["b.json", "/dev/zero"],
      ["c.json", secret],
    ] as const) {
      root.write(`spool/failed/${name}`, "{}");
      symlinkSync(target, root.path("spool/failed", `${name}.error.json`));
    }
    execFileSync("mkfifo", [root.path("spool/failed/d.json.error.json")]);
    const r = await runEvh(["status", "--json"], {
      env: { EVH_ROOT: root.dir },
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("TOP SECRET");
    // The failed events are listed (they are failures all the same), with nothing read
    // through their sidecars; the FIFO with no event beside it is no failure at all.
    const failures = JSON.parse(r.stdout).last_failures as { file: string; reason: string }[];
    expect(failures.map((f) => [f.file, f.reason]).sort()).toEqual([
      ["a.json", "(the sidecar is not readable JSON)"],
      ["b.json", "(the sidecar is not readable JSON)"],
      ["c.json", "(the sidecar is not readable JSON)"],
    ]);
    const queue = await runEvh(["queue", "--json"], {
      env: { EVH_ROOT: root.dir },
      timeoutMs: 15_000,
    });
    expect(queue.code).toBe(0);
    expect(queue.stdout).not.toContain("TOP SECRET");
    const shown = await runEvh(["show", "c.json"], {
      env: { EVH_ROOT: root.dir },
      timeoutMs: 15_000,
    });
    expect(shown.code).toBe(0);
    expect(shown.stdout).not.toContain("TOP SECRET");
  });
});
