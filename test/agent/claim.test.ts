import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { claim } from "../../src/agent/claim.js";
import { EntryRefusedError, EventDecodeError } from "../../src/errors/evh-error.js";
import { Registry } from "../../src/handlers/registry.js";
import { Spool, type SpoolEntry } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

async function setUp(): Promise<{ spool: Spool; entries: () => Promise<SpoolEntry[]> }> {
  root = makeTempRoot();
  const spool = new Spool(root.spoolDir);
  await spool.ensure();
  return { spool, entries: () => spool.list("new") };
}

const current = () => Registry.empty;

describe("claim (new/ → cur/)", () => {
  it("moves an event file to cur/, to be decoded with the handler set current now", async () => {
    const { spool, entries } = await setUp();
    writeFileSync(spool.path("new", "a.json"), "{}");
    const [entry] = await entries();
    const result = await claim(spool, entry as SpoolEntry, current);
    expect(result).toEqual({
      toDecode: { name: "a.json", origin: "new", second: false, registry: Registry.empty },
    });
    expect(readdirSync(root.path("spool", "cur"))).toEqual(["a.json"]);
  });

  it("refuses a symlink unread, with an error that is final at once (no settle delay)", async () => {
    const { spool, entries } = await setUp();
    symlinkSync("/etc/passwd", spool.path("new", "link.json"));
    const [entry] = await entries();
    const result = await claim(spool, entry as SpoolEntry, current);
    expect(result).toMatchObject({ reject: { reason: "not a regular file: symbolic link" } });
    const error = "reject" in result ? result.reject : undefined;
    expect(error).toBeInstanceOf(EntryRefusedError);
    expect(error?.mayBeIncomplete).toBe(false);
    expect(readdirSync(root.path("spool", "new"))).toEqual(["link.json"]);
  });

  it("refuses a name that is not an event file type, leaving the decision to wait to the error", async () => {
    const { spool, entries } = await setUp();
    writeFileSync(spool.path("new", "notes.txt"), "x");
    const [entry] = await entries();
    const result = await claim(spool, entry as SpoolEntry, current);
    const error = "reject" in result ? result.reject : undefined;
    expect(error).toBeInstanceOf(EventDecodeError);
    expect(error?.reason).toBe("unsupported file type");
    expect(error?.mayBeIncomplete).toBe(true);
  });

  it("an entry taken meanwhile is gone; a spool folder removed by hand is a transient error", async () => {
    const { spool, entries } = await setUp();
    writeFileSync(spool.path("new", "b.json"), "{}");
    const [entry] = await entries();
    await claim(spool, entry as SpoolEntry, current);
    expect(await claim(spool, entry as SpoolEntry, current)).toEqual({ gone: true });

    writeFileSync(spool.path("new", "c.json"), "{}");
    const [again] = await entries();
    root.cleanup();
    mkdirSync(root.path("spool", "new"), { recursive: true });
    writeFileSync(spool.path("new", "c.json"), "{}");
    await expect(claim(spool, again as SpoolEntry, current)).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
