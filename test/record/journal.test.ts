import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalReport } from "../../src/record/journal.js";
import { outcome, storedOutcome } from "../helpers/outcome.js";
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
    expect(reopened.progress("a.json", "s1")?.done.has("h1")).toBe(true);
    expect(reopened.progress("b.json", "s2")).toBeUndefined();
    expect(reopened.progress("c.json", "s3")).toBeUndefined();
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
    expect(reopened.progress("a.json", "s1")?.ended).toBe("ok");
    await reopened.close();
    const again = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => false });
    expect(again.progress("a.json", "s1")).toBeUndefined();
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
    expect([...(reopened.progress("a.json", "s1")?.done ?? [])]).toEqual(["h1"]);
    await reopened.close();
  });

  it("skips malformed records, naming each line, and still starts", async () => {
    root = makeTempRoot();
    const good = JSON.stringify({ t: "run", f: "a.json", h: "s1", o: storedOutcome("h1") });
    root.write(
      "var/journal.jsonl",
      [
        "null",
        good,
        '{"t":"zzz"}',
        '{"t":"run","f":"a.json","h":"s1","o":null}',
        '{"t":"end","f":"a.json","h":"s1","r":"ok","at":"yesterday"}',
        "[1,2]",
        '{"t":"run","f":"a.js',
      ].join("\n"),
      0o600,
    );
    const reports: Parameters<JournalReport>[0][] = [];
    const journal = await Journal.open(root.varDir, {
      dedupeWindowMs: 1000,
      exists: () => true,
      report: (r) => reports.push(r),
    });
    expect([...(journal.progress("a.json", "s1")?.done ?? [])]).toEqual(["h1"]);
    expect(journal.progress("a.json", "s1")?.ended).toBeUndefined();
    await journal.close();
    expect(reports).toEqual([
      { kind: "skipped", line: 1, reason: "not a JSON object (null)" },
      { kind: "skipped", line: 3, reason: 'unknown record type "zzz"' },
      { kind: "skipped", line: 4, reason: "run needs o (a handler outcome)" },
      { kind: "skipped", line: 5, reason: "end needs r (ok|failed) and at" },
      { kind: "skipped", line: 6, reason: "not a JSON object (object)" },
      { kind: "skipped", line: 7, reason: "not JSON (a torn line?)" },
      { kind: "skipped-total", count: 6 },
    ]);
  });

  it("compacts through a fresh temp file: a link planted at journal.jsonl.tmp is replaced, not followed", async () => {
    root = makeTempRoot();
    const victim = root.write("victim.txt", "precious\n", 0o644);
    mkdirSync(root.varDir, { recursive: true });
    symlinkSync(victim, root.path("var", "journal.jsonl.tmp"));
    const journal = await Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true });
    await journal.recordRun("a.json", "s1", ok("h1"));
    await journal.close();
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(root.path("var", "journal.jsonl")).isFile()).toBe(true);
    expect(existsSync(root.path("var", "journal.jsonl.tmp"))).toBe(false);
  });

  it("does not follow a journal.jsonl that is a link", async () => {
    root = makeTempRoot();
    const victim = root.write("victim.txt", "precious\n", 0o644);
    mkdirSync(root.varDir, { recursive: true });
    symlinkSync(victim, root.path("var", "journal.jsonl"));
    await expect(
      Journal.open(root.varDir, { dedupeWindowMs: 1000, exists: () => true }),
    ).rejects.toMatchObject({ code: "ELOOP" });
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
  });
});
