import { type FSWatcher, watch } from "node:fs";
import { isEventName } from "../spool/event-names.js";
import type { Spool, SpoolEntry } from "../spool/spool.js";
import { Fifo } from "./fifo.js";
import type { NewAtStart } from "./new-at-start.js";

/** The backoff of an entry whose claim failed: 1 s, doubling up to a minute. */
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 60_000;

/**
 * Finds event files in spool/new/. The watcher only nudges; a periodic rescan
 * of the folder is the source of truth, since watchers miss events under load
 * and while the agent is down. Each scan queues the names it has not seen
 * yet, in mtime then name order, after those already queued: arrival order.
 */
export class Intake {
  private readonly queue = new Fifo<SpoolEntry>();
  /**
   * Names in new/ that are queued or being claimed: a rescan must not queue
   * them again. A name leaves only when its claim is over (`release`): a scan
   * made while a claim is moving the file would otherwise queue it twice.
   */
  private readonly inHand = new Set<string>();
  /** Failed claims per name, for the backoff of `retryLater`. */
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private scanning: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly onFound: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /**
   * Starts the periodic rescan and the watcher. One inotify watch on the
   * folder (fs.watch), not chokidar: chokidar watches every file in it and
   * re-reads the whole folder on each change, which made a burst of N
   * events cost O(N²) lstat calls. The watch is in place when this returns,
   * so files dropped after that are announced at once.
   */
  async start(rescanIntervalMs: number): Promise<void> {
    this.timer = setInterval(() => this.scan(), rescanIntervalMs);
    try {
      this.watcher = watch(this.spool.path("new", ""), { persistent: true }, (_, name) =>
        this.nudged(name),
      );
      this.watcher.on("error", (error: Error) => this.onError(error));
    } catch (error) {
      this.onError(error as Error); // no inotify: the periodic rescan still finds everything
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.watcher?.close();
    await this.scanning;
  }

  get size(): number {
    return this.queue.size;
  }

  /** The next entry to claim, in arrival order; `release` it once the claim is over. */
  next(): SpoolEntry | undefined {
    return this.queue.shift();
  }

  /** The claim of `name` is over (moved, quarantined or gone): a later file of that name is new. */
  release(name: string): void {
    this.inHand.delete(name);
    this.failures.delete(name);
  }

  /**
   * Queues an entry again after a pause that doubles with each failure
   * (1 s up to 1 min), behind the others: whatever its name or type, one
   * entry whose claim keeps failing never holds up the events after it.
   * Returns the pause.
   */
  retryLater(entry: SpoolEntry): number {
    const failures = (this.failures.get(entry.name) ?? 0) + 1;
    this.failures.set(entry.name, failures);
    const delay = Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), RETRY_MAX_MS);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.queue.push(entry);
      this.onFound();
    }, delay);
    this.retryTimers.add(timer);
    return delay;
  }

  /**
   * A watcher event names the file: look at that one entry instead of
   * listing the folder, which costs O(files waiting) per event during a
   * burst. A rename out of new/ (our own claims) finds nothing and is
   * ignored; a nameless event falls back to a scan.
   */
  private nudged(name: string | Buffer | null): void {
    if (typeof name !== "string") {
      void this.scan();
      return;
    }
    if (this.inHand.has(name) || !isEventName("new", name)) return;
    let entry: SpoolEntry | undefined;
    try {
      entry = this.spool.entry("new", name);
    } catch {
      void this.scan(); // EMFILE, EIO...: the scan reports it and the rescan retries
      return;
    }
    if (!entry) {
      // Not found by its name: one that is not UTF-8 (Node gave U+FFFD for the bad bytes) is
      // found by the scan, which lists such names by their bytes.
      if (name.includes("\uFFFD")) void this.scan();
      return;
    }
    this.inHand.add(name);
    this.queue.push(entry);
    this.onFound();
  }

  /**
   * Lists new/ once (coalescing nudges that arrive while a scan runs). The
   * agent's first scan passes new/ as read at start: its names are listed
   * without reading the folder again, then the files that arrived since
   * are taken as nudges, after them.
   */
  scan(atStart?: NewAtStart): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    let names = atStart?.complete ? atStart.names : undefined;
    this.scanning = (async () => {
      do {
        this.again = false;
        try {
          const found = await this.spool.list(
            "new",
            (name) => this.inHand.has(name) || !isEventName("new", name),
            names,
          );
          const fromNames = names !== undefined;
          names = undefined;
          for (const entry of found) {
            if (this.inHand.has(entry.name)) continue; // a nudge took it while the folder was read
            this.inHand.add(entry.name);
            this.queue.push(entry);
          }
          if (found.length > 0) this.onFound();
          if (fromNames) {
            // Files dropped since the start-up read: announced to its watch, or, when the watch
            // failed meanwhile and cannot tell, found by reading the folder at once.
            if (atStart?.complete) for (const name of atStart.arrived) this.nudged(name);
            else this.again = true;
          }
        } catch (error) {
          this.onError(error as Error);
        } finally {
          atStart?.close();
          atStart = undefined;
        }
      } while (this.again);
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }
}
