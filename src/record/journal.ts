import { constants } from "node:fs";
import { type FileHandle, mkdir, open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import type { HandlerOutcome } from "../execute/outcome.js";
import { type EventProgress, type JournalRecord, JournalState } from "./journal-state.js";

/** Rewrite the journal once it grows past this, keeping only live progress. */
const COMPACT_AT_BYTES = 8 * 1024 * 1024;

interface Pending {
  readonly line: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

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
 * Spool renames are not fsynced: recovery does not depend on them. A rename
 * lost to power loss leaves the file in its previous folder, where replaying
 * this journal says exactly what is left to do.
 */
export class Journal {
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private size: number;

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
    readonly state: JournalState,
    private readonly dedupeWindowMs: number,
    size: number,
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
    options: { dedupeWindowMs: number; exists: (name: string) => boolean },
  ): Promise<Journal> {
    await mkdir(varDir, { recursive: true, mode: 0o700 });
    const file = path.join(varDir, "journal.jsonl");
    const state = new JournalState();
    for (const record of await readRecords(file)) state.apply(record);
    for (const name of state.events.keys()) {
      if (!options.exists(name)) state.events.delete(name);
    }
    const size = await writeCompacted(file, state, options.dedupeWindowMs);
    const handle = await open(file, constants.O_WRONLY | constants.O_APPEND);
    return new Journal(file, handle, state, options.dedupeWindowMs, size);
  }

  progress(name: string): EventProgress | undefined {
    return this.state.events.get(name);
  }

  /** Whether an event with producer id `id` completed within the dedupe window. */
  isDuplicate(id: string, now = Date.now()): boolean {
    const at = this.state.completedIds.get(id);
    return at !== undefined && now - at < this.dedupeWindowMs;
  }

  claim(name: string, sha: string, plan: readonly string[] | null): Promise<void> {
    return this.append({ t: "claim", f: name, h: sha, plan });
  }

  recordRun(name: string, sha: string, outcome: HandlerOutcome): Promise<void> {
    return this.append({ t: "run", f: name, h: sha, o: outcome });
  }

  end(name: string, sha: string, result: "ok" | "failed", id: string | undefined): Promise<void> {
    const record: JournalRecord = { t: "end", f: name, h: sha, r: result, at: Date.now() };
    return this.append(id === undefined ? record : { ...record, id });
  }

  /** Drops a completed event from memory once its file is placed; the next compaction drops it on disk. */
  forget(name: string): void {
    this.state.events.delete(name);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }

  private append(record: JournalRecord): Promise<void> {
    this.state.apply(record);
    return new Promise((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(record)}\n`, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /**
   * Writes and syncs until nothing is pending. `flushing` is cleared in the
   * same synchronous step as the emptiness check, so an append made by a
   * caller resumed from the last batch starts a new flush, never stranded.
   */
  private async flush(): Promise<void> {
    for (;;) {
      const batch = this.pending;
      if (batch.length === 0) {
        this.flushing = undefined;
        return;
      }
      this.pending = [];
      try {
        const text = batch.map((p) => p.line).join("");
        await this.handle.write(text);
        await this.handle.datasync();
        this.size += Buffer.byteLength(text);
        if (this.size > COMPACT_AT_BYTES) await this.compact();
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error as Error);
      }
    }
  }

  /**
   * Rewrites the journal from memory. Completed events are not dropped here:
   * the ones still in memory are being placed right now (`forget` drops them
   * after), and a crash before that must still find their end record.
   */
  private async compact(): Promise<void> {
    this.size = await writeCompacted(this.file, this.state, this.dedupeWindowMs);
    await this.handle.close();
    this.handle = await open(this.file, constants.O_WRONLY | constants.O_APPEND);
  }
}

async function readRecords(file: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // A torn last line from a crash mid-write: the record was never acknowledged, so nothing relied on it.
    }
  }
  return records;
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
    .snapshot(() => true, Date.now() - dedupeWindowMs)
    .map((r) => `${JSON.stringify(r)}\n`)
    .join("");
  const temp = `${file}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  return Buffer.byteLength(text);
}
