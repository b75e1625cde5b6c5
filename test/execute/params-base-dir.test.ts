import { chmodSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { paramsBaseDir, ROOT_RUN_DIR } from "../../src/execute/params-base-dir.js";
import { isRoot } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-params-base-");
});
afterEach(() => root.cleanup());

const euid = process.geteuid?.();

// SPEC §4: a directory only root can write and fill, never /dev/shm or /tmp,
// which every local user can fill (each run then failed) or plant links in.
describe("paramsBaseDir", () => {
  it("prefers systemd's RuntimeDirectory when it is the agent's own", () => {
    const runtime = root.path("runtime");
    mkdirSync(runtime, { mode: 0o755 });
    expect(
      paramsBaseDir(root.varDir, { env: { RUNTIME_DIRECTORY: `${runtime}:/elsewhere` } }),
    ).toBe(runtime);
  });

  it("passes over a RuntimeDirectory that is gone, a symlink, or writable by others", () => {
    const open = root.path("open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const link = root.path("link");
    symlinkSync(root.varDir, link);
    const runDir = root.path("run-evh");
    const fallback = paramsBaseDir(root.varDir, { env: {}, runDir });
    for (const runtime of [root.path("gone"), open, link, "relative"]) {
      const env = { RUNTIME_DIRECTORY: runtime };
      expect(paramsBaseDir(root.varDir, { env, runDir })).toBe(fallback);
    }
  });

  it("is /run/evh for root, var/params otherwise: never /dev/shm nor the temp directory", () => {
    // Another run directory than /run/evh, so the test leaves nothing in /run.
    const runDir = root.path("run-evh");
    const base = paramsBaseDir(root.varDir, { env: {}, runDir });
    expect(base).toBe(isRoot ? runDir : path.join(root.varDir, "params"));
    expect(ROOT_RUN_DIR).toBe("/run/evh");
    const stats = lstatSync(base);
    expect(stats.isDirectory()).toBe(true);
    expect(stats.uid).toBe(euid);
    expect(stats.mode & 0o022).toBe(0);
  });

  it("makes the root agent's run directory 0711 when missing", () => {
    const runDir = root.path("run-evh");
    expect(paramsBaseDir(root.varDir, { env: {}, euid, runDir })).toBe(
      isRoot ? runDir : path.join(root.varDir, "params"),
    );
    if (isRoot) expect(lstatSync(runDir).mode & 0o777).toBe(0o711);
  });

  it("falls back to a private var/params when the run directory is not usable", () => {
    const runDir = root.path("taken");
    mkdirSync(runDir, { mode: 0o777 });
    chmodSync(runDir, 0o777);
    const base = paramsBaseDir(root.varDir, { env: {}, euid, runDir });
    expect(base).toBe(path.join(root.varDir, "params"));
    expect(lstatSync(base).mode & 0o777).toBe(0o711);
  });

  it("refuses a var/params that is writable by others", () => {
    const runDir = root.path("taken");
    mkdirSync(runDir, { mode: 0o777 });
    chmodSync(runDir, 0o777);
    mkdirSync(path.join(root.varDir, "params"), { recursive: true });
    chmodSync(path.join(root.varDir, "params"), 0o777);
    expect(() => paramsBaseDir(root.varDir, { env: {}, euid, runDir })).toThrow(
      `${path.join(root.varDir, "params")} is not a private directory of the agent's (a symlink, another user's, or writable by others); remove it`,
    );
  });
});
