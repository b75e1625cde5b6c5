import { chmodSync, chownSync, mkdirSync, symlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { UntrustedPathError } from "../../src/errors/evh-error.js";
import { checkTrustedDir } from "../../src/system/trusted-path.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

describe("checkTrustedDir", () => {
  it("accepts the user's own folder, and a missing one (its creator decides)", () => {
    root = makeTempRoot();
    expect(checkTrustedDir(root.path("spool"))).toBe(true);
    expect(checkTrustedDir(root.path("nothing"))).toBe(false);
  });

  it("refuses a symlink, a file, and a folder others can write, naming it and the fix", () => {
    root = makeTempRoot();
    const real = root.path("real");
    mkdirSync(real);
    symlinkSync(real, root.path("link"));
    expect(() => checkTrustedDir(root.path("link"))).toThrow(
      `refusing ${root.path("link")}: it is a symbolic link; give the real directory instead`,
    );
    root.write("file", "");
    expect(() => checkTrustedDir(root.path("file"))).toThrow(UntrustedPathError);
    chmodSync(real, 0o777);
    expect(() => checkTrustedDir(real)).toThrow(
      `refusing ${real}: every user can write to it (mode 0777); chmod o-w it`,
    );
    chmodSync(real, 0o1730);
    expect(() => checkTrustedDir(real)).toThrow(/its group can write to it \(mode 1730\)/);
    expect(checkTrustedDir(real, { allowGroupWrite: true })).toBe(true);
  });

  it.runIf(isRoot)(`refuses a folder owned by another user${ROOT_ONLY}`, () => {
    root = makeTempRoot();
    const dir = root.path("theirs");
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(() => checkTrustedDir(dir)).toThrow(
      `refusing ${dir}: it is owned by uid 65534, not by uid 0 running evh nor by root; chown 0 it if it is yours`,
    );
  });
});
