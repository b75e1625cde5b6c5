import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Journal } from "../../src/record/journal.js";
import { outcome } from "../helpers/outcome.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

const ok = (handler: string) => outcome(handler);

describe("Journal", () => {
  it("persists progress across a reopen, and compacts away events that are gone", async () => {
    root = makeTempRoot();
    const journal = await Journal.open(root.varDir, { dedupeWindowMs: 60_000, exists: () => true });
    await Promise.all([
      journal.recordRun("a.json", "s1", ok("h1")),
      journal.recordRun("b.json", "s2", ok("h1")),
    ]);
    await journal.recordRun("c.json", "s3", ok("h1"));
    await journal.end("c.json", "s3", "ok", "id-c");
    await journal.close();

    const reopened = await Journal.open(root.varDir, {
      dedupeWindowMs: 60_000,
      exists: (name) => name !== "b.json" && name !== "c.json",
    });
    expect(reopened.progress("a.json")?.done.has("h1")).toBe(true);
    expect(reopened.progress("b.json")).toBeUndefined();
    expect(reopened.progress("c.json")).toBeUndefined();
    expect(reopened.isDuplicate("id-c")).toBe(true);
    expect(reopened.isDuplicate("id-c", Date.now() + 120_000)).toBe(false);
    await reopened.close();
    const lines = readFileSync(root.path("var", "journal.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).t).sort()).toEqual(["dedupe", "snap"]);
  });

  it("keeps a completed event's progress while its file is still in the spool (a crash before its placement)", async () => {
    root = makeTempRoot();
    const journal = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true });
    await journal.recordRun("a.json", "s1", ok("h1"));
    await journal.end("a.json", "s1", "ok", undefined);
    await journal.close();
    const reopened = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true });
    expect(reopened.progress("a.json")?.ended).toBe("ok");
    await reopened.close();
    const again = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => false });
    expect(again.progress("a.json")).toBeUndefined();
    await again.close();
  });

  it("ignores a torn last line left by a crash mid-write", async () => {
    root = makeTempRoot();
    const journal = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true });
    await journal.recordRun("a.json", "s1", ok("h1"));
    await journal.close();
    root.write(
      "var/journal.jsonl",
      `${readFileSync(root.path("var", "journal.jsonl"), "utf8")}{"t":"run","f":"a.js`,
    );
    const reopened = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true });
    expect([...(reopened.progress("a.json")?.done ?? [])]).toEqual(["h1"]);
    await reopened.close();
  });
});
