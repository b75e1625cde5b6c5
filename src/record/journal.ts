import { constants } from "node:fs";
import { type FileHandle, mkdir, open, unlink } from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { writeFileAtomic } from "../system/atomic-write.js";
import { readTextNoFollow } from "../system/read-text-no-follow.js";
import { checkRecord, type JournalRecord } from "./journal-record.js";
import { type EventProgress, JournalState } from "./journal-state.js";
import type { HandlerOutcome } from "./outcome.js";
import { toStoredOutcome } from "./stored-outcome.js";

/** Rewrite the journal once it grows past this, keeping only live progress. */
const COMPACT_AT_BYTES = 8 * 1024 * 1024;
/** Lines of a damaged journal named one by one in the log at start; the rest are counted. */
const MAX_SKIP_REPORTS = 10;
/** Pause before writing a failed batch again (a full disk, an I/O error). */
const RETRY_MS = 1000;

interface Pending {
  readonly records: readonly JournalRecord[];
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Tells the agent (its log) that the journal cannot be written, and when it can again. */
export type JournalReport = (
  event:
    | { kind: "write-failed"; error: Error }
    | { kind: "recovered"; attempts: number }
    /** A line at start that is not a record (torn, or of the wrong shape): skipped. */
    | { kind: "skipped"; line: number; reason: string }
    | { kind: "skipped-total"; count: number },
) => void;

/**
 * The write-ahead journal of per-event progress (`var/journal.jsonl`), one
 * JSON record a line, the source of truth for what already ran (SPEC §5).
 *
 * Durability: every append resolves only after fdatasync(2). A process crash
 * (kill -9) alone would not need it — the page cache survives the process —
 * but a power loss would, and a run record that is not on disk before the
 * next handler starts could make an `ok` handler run twice. Appends made
 * while a sync is in flight are written and synced together (group commit),
 * so concurrent events share one fdatasync.
 *
 * A batch whose write or sync fails (a full disk) is cut off the file and
 * written again after a pause, until it succeeds: its callers wait, so no
 * handler starts and no file is placed on the strength of a record that is
 * not on disk. The in-memory state takes a record only once it is durable.
 *
 * Spool renames are not fsynced: recovery does not depend on them. A rename
 * lost to power loss leaves the file in its previous folder, where replaying
 * this journal says exactly what is left to do.
 */
export class Journal {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private size: number;
  /** A failed write could not be cut off: start the next one on a fresh line. */
  private torn = false;
  /** Set by `abandon`: a failed batch is rejected instead of written again. */
  private abandoned = false;
  private wakeRetry: (() => void) | undefined;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
    readonly state: JournalState,
    private readonly dedupeWindowMs: number,
    size: number,
    private readonly report: JournalReport,
  ) {
    this.size = size;
  }

  /**
   * Replays the journal, then compacts it: progress of events that no longer
   * exist in the spool (`exists` says no) is dropped; completed ids inside
   * the dedupe window are kept. A completed event whose file still exists
   * keeps its progress: the crash came between its end record and its
   * placement, and the progress is what says that only the placement is left
   * (its handlers must not run again).
   */
  static async open(
    varDir: string,
    options: {
      dedupeWindowMs: number;
      exists: (name: string) => boolean;
      report?: JournalReport;
    },
  ): Promise<Journal> {
    await mkdir(varDir, { recursive: true, mode: 0o700 });
    const file = path.join(varDir, "journal.jsonl");
    const state = new JournalState();
    const report = options.report ?? (() => undefined);
    const { records, skipped } = await readRecords(file);
    for (const record of records) state.apply(record);
    for (const s of skipped.slice(0, MAX_SKIP_REPORTS)) report({ kind: "skipped", ...s });
    if (skipped.length > 0) report({ kind: "skipped-total", count: skipped.length });
    state.keepOnly(options.exists);
    const size = await writeCompacted(file, state, options.dedupeWindowMs);
    const handle = await open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW);
    return new Journal(file, handle, state, options.dedupeWindowMs, size, report);
  }

  progress(name: string, sha: string): EventProgress | undefined {
    return this.state.progress(name, sha);
  }

  /** See JournalState.renamedFrom. */
  renamedFrom(name: string, sha: string, gone: (name: string) => boolean): string | undefined {
    return this.state.renamedFrom(name, sha, gone);
  }

  /** Whether an event with producer id `id` completed within the dedupe window. */
  isDuplicate(id: string, now = Date.now()): boolean {
    const at = this.state.completedIds.get(id);
    return at !== undefined && now - at < this.dedupeWindowMs;
  }

  claim(name: string, sha: string, plan: readonly string[] | null): Promise<void> {
    return this.append([{ t: "claim", f: name, h: sha, plan }]);
  }

  /** The event takes a new name (journaled before the rename): its progress follows it. */
  rename(name: string, sha: string, to: string): Promise<void> {
    return this.append([{ t: "mv", f: name, h: sha, to }]);
  }

  recordRun(name: string, sha: string, outcome: HandlerOutcome): Promise<void> {
    return this.append([runRecord(name, sha, outcome)]);
  }

  /**
   * The round's end, with the last handler's run record when it is not
   * journaled yet: one write and one fdatasync for both. A torn write keeps
   * the run and loses the end, which only makes the round's placement happen
   * again.
   */
  end(
    name: string,
    sha: string,
    result: "ok" | "failed",
    id: string | undefined,
    lastRun?: HandlerOutcome,
  ): Promise<void> {
    const end: JournalRecord = { t: "end", f: name, h: sha, r: result, at: Date.now() };
    const records = [
      ...(lastRun ? [runRecord(name, sha, lastRun)] : []),
      id === undefined ? end : { ...end, id },
    ];
    return this.append(records);
  }

  /** Drops a completed event from memory once its file is placed; the next compaction drops it on disk. */
  forget(name: string, sha: string): void {
    this.state.forget(name, sha);
  }

  /**
   * Stops writing failed batches again: what is still waiting is rejected
   * (its events stay in cur/ and resume at the next start). For a shutdown
   * whose grace period is over.
   */
  abandon(): void {
    this.abandoned = true;
    this.wakeRetry?.();
  }

  async close(): Promise<void> {
    this.abandon();
    await this.flushing;
    await this.handle.close();
  }

  private append(records: readonly JournalRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Writes and syncs until nothing is pending. `flushing` is cleared in the
   * same synchronous step as the emptiness check, so an append made by a
   * caller resumed from the last batch starts a new flush, never stranded.
   */
  private async flush(): Promise<void> {
    let failures = 0;
    for (;;) {
      const batch = this.pending;
      if (batch.length === 0) {
        this.flushing = undefined;
        return;
      }
      this.pending = [];
      try {
        await this.write(batch.flatMap((p) => p.records.map((r) => `${JSON.stringify(r)}\n`)));
      } catch (error) {
        if (this.abandoned) {
          for (const p of batch) p.reject(error as Error);
          continue;
        }
        if (failures++ === 0) this.report({ kind: "write-failed", error: error as Error });
        // In front of what came meanwhile: the order of records is the order of events.
        this.pending = batch.concat(this.pending);
        await this.pause(RETRY_MS);
        continue;
      }
      if (failures > 0) this.report({ kind: "recovered", attempts: failures + 1 });
      failures = 0;
      for (const p of batch) for (const r of p.records) this.state.apply(r);
      for (const p of batch) p.resolve();
      if (this.size > COMPACT_AT_BYTES) {
        // The appends are durable: a compaction that fails only leaves the journal long.
        await this.compact().catch((error) => this.report({ kind: "write-failed", error }));
      }
    }
  }

  /**
   * Appends the lines whole, then syncs. write(2) may write part of them (a
   * disk filling up): the rest is written on. On any failure the file is cut
   * back to its last good size, so a retry never follows half a line.
   */
  private async write(lines: readonly string[]): Promise<void> {
    const bytes = Buffer.from((this.torn ? "\n" : "") + lines.join(""));
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done);
        if (bytesWritten === 0) throw new Error("journal: write(2) wrote nothing");
        done += bytesWritten;
      }
      await this.handle.datasync();
    } catch (error) {
      try {
        await this.handle.truncate(this.size);
        this.torn = false;
      } catch {
        // The next write starts with a newline: replay skips the torn line.
        this.torn = true;
      }
      throw error;
    }
    this.size += bytes.length;
    this.torn = false;
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    }).finally(() => {
      this.wakeRetry = undefined;
    });
  }

  /**
   * Rewrites the journal from memory. Completed events are not dropped here:
   * the ones still in memory are being placed right now (`forget` drops them
   * after), and a crash before that must still find their end record.
   */
  private async compact(): Promise<void> {
    this.size = await writeCompacted(this.file, this.state, this.dedupeWindowMs);
    await this.handle.close();
    this.handle = await open(
      this.file,
      constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW,
    );
  }
}

function runRecord(name: string, sha: string, outcome: HandlerOutcome): JournalRecord {
  return { t: "run", f: name, h: sha, o: toStoredOutcome(outcome) };
}

/**
 * The journal's records, and the lines that are not one. A torn last line
 * (a crash mid-write) was never acknowledged, so nothing relied on it; a
 * line of the wrong shape is skipped too: losing one record at worst runs
 * a handler again (at-least-once), while refusing to start runs nothing.
 */
async function readRecords(
  file: string,
): Promise<{ records: JournalRecord[]; skipped: { line: number; reason: string }[] }> {
  const records: JournalRecord[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const text = await readTextNoFollow(file);
  if (text === undefined) return { records, skipped };
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped.push({ line: index + 1, reason: "not JSON (a torn line?)" });
      return;
    }
    const checked = checkRecord(value);
    if (typeof checked === "string") skipped.push({ line: index + 1, reason: checked });
    else records.push(checked);
  });
  return { records, skipped };
}

/**
 * Writes the live state to a temp file, syncs it, renames it over the
 * journal and syncs the directory, so a crash at any point leaves either the
 * old journal or the new one, whole. Returns the new size.
 */
async function writeCompacted(
  file: string,
  state: JournalState,
  dedupeWindowMs: number,
): Promise<number> {
  const text = state
    .snapshot(Date.now() - dedupeWindowMs)
    .map((r) => `${JSON.stringify(r)}\n`)
    .join("");
  const temp = `${file}.tmp`;
  // Exclusively, never through a link: a stale copy (a crash mid-compaction) or a link someone
  // planted goes first, and writeFileAtomic's O_EXCL|O_NOFOLLOW refuses anything that reappears
  // meanwhile. A full disk leaves the old journal whole and frees what the copy took.
  await unlink(temp).catch((error: unknown) => {
    if (errnoCode(error) !== "ENOENT") throw error;
  });
  await writeFileAtomic(file, text, { temp, sync: true, syncDir: true });
  return Buffer.byteLength(text);
}
