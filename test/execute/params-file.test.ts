import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeParamsFile } from "../../src/execute/params-file.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-params-test-");
});
afterEach(() => root.cleanup());

const content = Buffer.from("NEW_PASSWORD=s3cret\n");
const modeOf = (p: string) => lstatSync(p).mode & 0o777;

describe("writeParamsFile", () => {
  it("writes each run's file, 0600, into one 0700 directory of the agent's, and removes it", () => {
    const first = writeParamsFile(content, undefined, root.varDir);
    const second = writeParamsFile(content, undefined, root.varDir);
    const dir = path.dirname(first.path);
    expect(path.dirname(second.path)).toBe(dir);
    expect(second.path).not.toBe(first.path);
    expect(path.basename(dir)).toMatch(/^evh-params-/);
    expect(modeOf(dir)).toBe(0o700);
    expect(lstatSync(dir).uid).toBe(process.geteuid?.());
    expect(modeOf(first.path)).toBe(0o600);
    expect(readFileSync(first.path)).toEqual(content);
    first.remove();
    second.remove();
    second.remove(); // twice is harmless
    expect(existsSync(first.path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("makes a new directory when its own was removed (a tmp cleaner)", () => {
    const before = writeParamsFile(content, undefined, root.varDir);
    before.remove();
    rmSync(path.dirname(before.path), { recursive: true });
    const after = writeParamsFile(content, undefined, root.varDir);
    expect(path.dirname(after.path)).not.toBe(path.dirname(before.path));
    expect(readFileSync(after.path)).toEqual(content);
    after.remove();
  });

  it("does not trust a directory of the same name that is not the one it made", () => {
    const foreign = root.path("foreign");
    mkdirSync(foreign, { mode: 0o777 });
    chmodSync(foreign, 0o777);
    const first = writeParamsFile(content, undefined, root.varDir);
    first.remove();
    const dir = path.dirname(first.path);
    // Removed, and a symlink to somebody else's directory put in its place.
    rmSync(dir, { recursive: true });
    symlinkSync(foreign, dir);
    try {
      const second = writeParamsFile(content, undefined, root.varDir);
      expect(path.dirname(second.path)).not.toBe(dir);
      expect(readdirSync(foreign)).toEqual([]);
      second.remove();
    } finally {
      rmSync(dir);
    }
  });

  it("does not trust its directory once its mode changed", () => {
    const first = writeParamsFile(content, undefined, root.varDir);
    first.remove();
    const dir = path.dirname(first.path);
    chmodSync(dir, 0o755);
    try {
      const second = writeParamsFile(content, undefined, root.varDir);
      expect(path.dirname(second.path)).not.toBe(dir);
      expect(readdirSync(dir)).toEqual([]);
      second.remove();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("never writes through a name that already exists, and moves to a new directory", () => {
    const first = writeParamsFile(content, undefined, root.varDir);
    first.remove();
    const dir = path.dirname(first.path);
    // The next name, taken by a symlink to a file that must stay as it is.
    const victim = root.write("victim.txt", "untouched\n");
    const next = Number(path.basename(first.path).replace("params-", "")) + 1;
    symlinkSync(victim, path.join(dir, `params-${next}`));
    try {
      const second = writeParamsFile(content, undefined, root.varDir);
      expect(path.dirname(second.path)).not.toBe(dir);
      expect(readFileSync(second.path)).toEqual(content);
      expect(readFileSync(victim, "utf8")).toBe("untouched\n");
      second.remove();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("gives the file to the handler's user in a separate 0711 directory", () => {
    const me = { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
    const file = writeParamsFile(content, me, root.varDir);
    const dir = path.dirname(file.path);
    expect(path.basename(dir)).toMatch(/^evh-params-users-/);
    expect(modeOf(dir)).toBe(0o711);
    expect(modeOf(file.path)).toBe(0o600);
    expect(lstatSync(file.path).uid).toBe(me.uid);
    expect(readFileSync(file.path)).toEqual(content);
    file.remove();
    expect(existsSync(file.path)).toBe(false);
  });

  it("leaves no file behind when the write fails", () => {
    const bad = { uid: -2, gid: -2 }; // fchown refuses it
    expect(() => writeParamsFile(content, bad, root.varDir)).toThrow();
    const me = { uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 };
    const file = writeParamsFile(content, me, root.varDir);
    expect(readdirSync(path.dirname(file.path))).toEqual([path.basename(file.path)]);
    file.remove();
  });
});
