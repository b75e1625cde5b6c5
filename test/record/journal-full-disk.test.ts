import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalReport } from "../../src/record/journal.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { outcome } from "../helpers/outcome.js";

/*
 * A journal on a real, full file system: a 1 MiB tmpfs filled to the last
 * page. Mounting needs root (CI runs as root).
 */

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  // The journal's file first: a mount point in use cannot be unmounted.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const ok = (handler: string) => outcome(handler);

async function journalOnFullDisk() {
  const dir = mkdtempSync(path.join(tmpdir(), "evh-journal-disk-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
  cleanups.push(() => {
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  const reports: Parameters<JournalReport>[0][] = [];
  const journal = await Journal.open(path.join(dir, "var"), {
    dedupeWindowMs: 60_000,
    exists: () => true,
    report: (r) => reports.push(r),
  });
  cleanups.push(() => journal.close().catch(() => undefined));
  const filler = path.join(dir, "filler");
  try {
    writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
  } catch {
    // ENOSPC: the file system is full to the last page
  }
  return { journal, reports, filler, file: path.join(dir, "var", "journal.jsonl") };
}

const settled = (p: Promise<unknown>) =>
  Promise.race([
    p.then(
      () => "resolved",
      () => "rejected",
    ),
    new Promise((resolve) => setTimeout(() => resolve("pending"), 1500)),
  ]);

describe.runIf(isRoot)(`Journal on a full disk${ROOT_ONLY}`, () => {
  it("holds the append until it is durable, then writes it whole once space returns", async () => {
    const { journal, reports, filler, file } = await journalOnFullDisk();
    const append = journal.recordRun("a.json", "s1", ok("h1"));
    expect(await settled(append)).toBe("pending");
    // Not acted on in memory either: nothing may rely on a record that is not on disk.
    expect(journal.progress("a.json", "s1")).toBeUndefined();
    expect(reports[0]?.kind).toBe("write-failed");

    rmSync(filler);
    await append;
    expect(journal.progress("a.json", "s1")?.done.has("h1")).toBe(true);
    expect(reports.at(-1)?.kind).toBe("recovered");
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    // Whole lines only: no torn half of a failed attempt before the good one.
    expect(lines.map((l) => JSON.parse(l).t)).toEqual(["run"]);
  });

  it("rejects what still waits once abandoned (a shutdown past its grace period)", async () => {
    const { journal } = await journalOnFullDisk();
    const append = journal.end("a.json", "s1", "ok", "id-a", ok("h1"));
    expect(await settled(append)).toBe("pending");
    journal.abandon();
    await expect(append).rejects.toThrow(/ENOSPC|no space/i);
    expect(journal.isDuplicate("id-a")).toBe(false);
  });
});
