import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { UntrustedPathError } from "../../src/errors/evh-error.js";
import {
  configFileProblem,
  ensureTrustedStateDir,
  stateDirProblem,
} from "../../src/system/trusted-path.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

describe("trusted state folders and config file", () => {
  it("creates a missing state folder 0700 and accepts it", () => {
    root = makeTempRoot();
    const dir = root.path("var", "log");
    ensureTrustedStateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(stateDirProblem(dir)).toBeUndefined();
  });

  it("refuses a link, a file in its place, and a folder others can write; a missing one is no problem", () => {
    root = makeTempRoot();
    const target = root.path("target");
    mkdirSync(target);
    symlinkSync(target, root.path("link"));
    writeFileSync(root.path("file"), "");
    mkdirSync(root.path("open"));
    chmodSync(root.path("open"), 0o1777);
    expect(stateDirProblem(root.path("link"))).toMatch(/is a symbolic link \(to .*target\)/);
    expect(() => ensureTrustedStateDir(root.path("link"))).toThrow(UntrustedPathError);
    expect(stateDirProblem(root.path("file"))).toMatch(/is not a directory/);
    expect(stateDirProblem(root.path("open"))).toMatch(/is writable by others \(mode 01777\)/);
    expect(stateDirProblem(root.path("missing"))).toBeUndefined();
  });

  it("refuses a config file others can write; group-writable is the owner's business", () => {
    root = makeTempRoot();
    const file = root.write("evh.yaml", "concurrency: 1\n", 0o646);
    expect(configFileProblem(file)).toBe(
      `it is writable by others (mode 0646) (fix: chmod o-w ${file})`,
    );
    chmodSync(file, 0o664);
    expect(configFileProblem(file)).toBeUndefined();
  });
});
