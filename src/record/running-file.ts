import path from "node:path";
import { writeFileAtomic } from "../system/atomic-write.js";
import { readRegularFile } from "../system/read-regular-file.js";

/**
 * `var/running.json`: the handlers the agent runs now, for `evh status`
 * (SPEC §6). A file, not an answer on the instance lock's socket: that
 * socket is in the abstract namespace, which any local user can connect
 * to, while var/ is 0700 and this file 0600, so only the agent's user
 * learns which events run. Rewritten atomically (`writeFileAtomic`) when a
 * handler starts and when it ends, without fsync: it describes a live
 * process, and after a crash its `pid` is not the running agent's, so
 * status ignores it. Writes never overlap: one in flight, then one more
 * with the latest state, at least {@link MIN_INTERVAL_MS} later. A change
 * after a quiet spell is written at once; in a burst the file lags by at
 * most that long: measured, one write per handler start and end was
 * 1.1 ms of the agent's main thread per event (docs/performance.md).
 */
export const RUNNING_FILE = "running.json";

/** One handler running now. */
export interface RunningHandler {
  /** The event file's name in cur/. */
  readonly event: string;
  readonly handler: string;
  /** ISO time its first attempt started (retries and their backoff included). */
  readonly started_at: string;
}

interface RunningDocument {
  readonly pid: number;
  readonly running: readonly RunningHandler[];
}

/** Between two writes of a burst. */
export const MIN_INTERVAL_MS = 250;

/** What is read back at most: a few hundred runs fit in far less. */
const MAX_BYTES = 1024 * 1024;

export class RunningBoard {
  private readonly runs = new Map<number, RunningHandler>();
  private nextId = 0;
  private writing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly file: string) {}

  static inVarDir(varDir: string): RunningBoard {
    return new RunningBoard(path.join(varDir, RUNNING_FILE));
  }

  /** A handler starts; returns its end. */
  start(event: string, handler: string): () => void {
    const id = this.nextId++;
    this.runs.set(id, { event, handler, started_at: new Date().toISOString() });
    this.publish();
    return () => {
      if (this.runs.delete(id)) this.publish();
    };
  }

  /** Waits for the writes under way (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private publish(): void {
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = this.write()
      .then(async () => {
        if (!this.again) return;
        await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS).unref());
      })
      .finally(() => {
        this.writing = undefined;
        if (this.again) {
          this.again = false;
          this.publish();
        }
      });
  }

  private async write(): Promise<void> {
    const doc: RunningDocument = { pid: process.pid, running: [...this.runs.values()] };
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(doc)}\n`);
    } catch {
      // A view for status, never a reason to disturb a run (a full disk: the log says the rest).
    }
  }
}

/**
 * The handlers the agent `pid` runs now, oldest first; none when the file is
 * missing, unreadable, or written by another process (an agent that
 * crashed). Opened without following a link or blocking, bounded.
 */
export function readRunning(varDir: string, pid: number): RunningHandler[] {
  const read = readRegularFile(path.join(varDir, RUNNING_FILE), { maxBytes: MAX_BYTES });
  if ("problem" in read) return [];
  try {
    const doc = JSON.parse(read.text) as Partial<RunningDocument>;
    if (doc.pid !== pid || !Array.isArray(doc.running)) return [];
    return doc.running
      .filter(
        (r): r is RunningHandler =>
          typeof r?.event === "string" &&
          typeof r.handler === "string" &&
          typeof r.started_at === "string",
      )
      .sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  } catch {
    return [];
  }
}
