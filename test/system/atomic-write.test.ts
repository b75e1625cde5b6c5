import { lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/system/atomic-write.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

describe("writeFileAtomic", () => {
  let root: TempRoot | undefined;
  afterEach(() => root?.cleanup());

  it("replaces a name, never writing through a link planted there; 0600 past the umask", async () => {
    root = makeTempRoot();
    const victim = root.write("victim", "unchanged");
    const file = root.path("state.json");
    symlinkSync(victim, file);
    await writeFileAtomic(file, "new\n", { sync: true, syncDir: true });
    expect(readFileSync(victim, "utf8")).toBe("unchanged");
    expect(lstatSync(file).isFile()).toBe(true);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("new\n");
    expect(readdirSync(root.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses a fixed temp name that exists (a link included) and leaves it alone", async () => {
    root = makeTempRoot();
    const victim = root.write("victim", "unchanged");
    const temp = root.path("journal.tmp");
    symlinkSync(victim, temp);
    await expect(writeFileAtomic(root.path("journal"), "x", { temp })).rejects.toMatchObject({
      code: "EEXIST",
    });
    expect(readFileSync(victim, "utf8")).toBe("unchanged");
  });

  it("with noReplace fails on a file that appeared meanwhile, and removes its temp file", async () => {
    root = makeTempRoot();
    const file = root.path("h.yaml");
    writeFileSync(file, "theirs");
    await expect(writeFileAtomic(file, "ours", { noReplace: true })).rejects.toMatchObject({
      code: "EEXIST",
    });
    expect(readFileSync(file, "utf8")).toBe("theirs");
    expect(readdirSync(root.dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
