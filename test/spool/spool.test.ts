import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Spool, withSuffix } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

describe("Spool", () => {
  it("creates cur/, done/ and failed/ private (0700)", async () => {
    root = makeTempRoot();
    await new Spool(root.spoolDir).ensure();
    for (const dir of ["cur", "done", "failed"]) {
      expect(statSync(root.path("spool", dir)).mode & 0o777).toBe(0o700);
    }
  });

  it("creates tmp/ and new/ 0700, and warns about existing ones other users can read", async () => {
    root = makeTempRoot();
    rmSync(root.spoolDir, { recursive: true });
    expect(await new Spool(root.spoolDir).ensure()).toEqual([]);
    for (const dir of ["tmp", "new"]) {
      expect(statSync(root.path("spool", dir)).mode & 0o7777).toBe(0o700);
    }
    chmodSync(root.path("spool", "new"), 0o755);
    expect(await new Spool(root.spoolDir).ensure()).toEqual([
      `${root.path("spool", "new")} can be read or written by other users (mode 0755): event files carry passwords; chmod 0700 it, or set producer_group in evh.yaml for producers that are not root`,
    ]);
  });

  it("with a producer group, makes tmp/ and new/ 1730 owned by that group (maildrop)", async () => {
    root = makeTempRoot();
    const gid = process.getgid?.() ?? 0;
    await new Spool(root.spoolDir, { name: "g", gid }).ensure();
    for (const dir of ["tmp", "new"]) {
      const stats = statSync(root.path("spool", dir));
      expect(stats.mode & 0o7777).toBe(0o1730);
      expect(stats.gid).toBe(gid);
    }
    // Group-writable is what this mode means: a second start accepts it.
    await expect(new Spool(root.spoolDir, { name: "g", gid }).ensure()).resolves.toEqual([]);
  });

  it("refuses a symlinked or others-writable spool folder before touching anything", async () => {
    root = makeTempRoot();
    const elsewhere = root.path("elsewhere");
    mkdirSync(elsewhere, { mode: 0o755 });
    chmodSync(elsewhere, 0o755);
    symlinkSync(elsewhere, root.path("spool", "failed"));
    await expect(new Spool(root.spoolDir).ensure()).rejects.toThrow(
      `refusing ${root.path("spool", "failed")}: it is a symbolic link`,
    );
    // chmod 0700 would have followed the link.
    expect(statSync(elsewhere).mode & 0o777).toBe(0o755);
    rmSync(root.path("spool", "failed"));
    chmodSync(root.path("spool", "new"), 0o777);
    await expect(new Spool(root.spoolDir).ensure()).rejects.toThrow(/every user can write to it/);
  });

  it("lists in mtime order, then byte order of names, without following links", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    const t = Date.now() / 1000;
    for (const [name, age] of [
      ["b.json", 10],
      ["a.json", 10],
      ["Z.json", 10],
      ["old.json", 100],
    ] as const) {
      root.write(`spool/new/${name}`, "{}");
      utimesSync(root.path("spool", "new", name), t - age, t - age);
    }
    symlinkSync("/dev/zero", root.path("spool", "new", "link.json"));
    mkdirSync(root.path("spool", "new", "dir.json"));
    execFileSync("mkfifo", [root.path("spool", "new", "fifo.json")]);
    const entries = await spool.list("new");
    const files = entries.filter((e) => e.kind === "file").map((e) => e.name);
    expect(files).toEqual(["old.json", "Z.json", "a.json", "b.json"]);
    const kinds = Object.fromEntries(entries.map((e) => [e.name, e.kind]));
    expect(kinds).toMatchObject({
      "link.json": "symbolic link",
      "dir.json": "directory",
      "fifo.json": "FIFO",
    });
  });

  it("lists a name that is not UTF-8 by its bytes, and moves it by them under a UTF-8 name", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    const raw = Buffer.from([0x62, 0xff, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]); // b\xff.json
    root.write("spool/new/a.json", "{}");
    writeFileSync(Buffer.concat([Buffer.from(`${root.path("spool", "new")}/`), raw]), "{}");
    utimesSync(root.path("spool", "new", "a.json"), 1, 1);
    const entries = await spool.list("new");
    expect(entries.map((e) => [e.name, e.raw])).toEqual([
      ["a.json", undefined],
      ["b\uFFFD.json", raw],
    ]);
    // Skipped by its UTF-8 form, as hidden names and names in hand are.
    expect(await spool.list("new", (name) => name.startsWith("b"))).toHaveLength(1);
    expect(await spool.move(raw, "new", "failed", "b\uFFFD.json")).toBe("b\uFFFD.json");
    expect(readdirSync(root.path("spool", "new"))).toEqual(["a.json"]);
    expect(readFileSync(root.path("spool", "failed", "b\uFFFD.json"), "utf8")).toBe("{}");
  });

  it("never overwrites an event of the same name when moving", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    root.write("spool/failed/x.json", "first");
    root.write("spool/cur/x.json", "second");
    expect(await spool.move("x.json", "cur", "failed")).toBe("x.1.json");
    expect(readdirSync(root.path("spool", "failed")).sort()).toEqual(["x.1.json", "x.json"]);
  });

  it("refuses transitions the state machine does not have", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await expect(spool.move("x.json", "done", "new")).rejects.toThrow("no transition done → new");
  });
});

describe("Spool.freeName", () => {
  it("never places an event in failed/ under a report's name, however long", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    // 250 bytes: its own report's name would pass NAME_MAX, so it could never have one.
    const long = `${"r".repeat(250 - ".json.error.json".length)}.json.error.json`;
    const placed = await spool.freeName("failed", long);
    expect(placed.endsWith(".error.json")).toBe(false);
    expect(Buffer.byteLength(placed)).toBeLessThanOrEqual(255);
    expect(await spool.freeName("failed", "x.json.error.json")).toBe("x.json.error.1.json");
    expect(await spool.freeName("failed", "x.json")).toBe("x.json");
  });
});

describe("withSuffix", () => {
  it("keeps a name within NAME_MAX (255 bytes), cutting its stem on a character boundary", () => {
    expect(withSuffix("x.json", 1)).toBe("x.1.json");
    const long = `${"a".repeat(250)}.json`;
    expect(withSuffix(long, 12)).toBe(`${"a".repeat(247)}.12.json`);
    const wide = `${"é".repeat(125)}.json`; // 250 + 5 bytes
    const placed = withSuffix(wide, 1);
    expect(Buffer.byteLength(placed)).toBeLessThanOrEqual(255);
    expect(placed).toBe(`${"é".repeat(124)}.1.json`);
  });
});
