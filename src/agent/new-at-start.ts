import { type FSWatcher, watch } from "node:fs";
import type { Spool } from "../spool/spool.js";

/**
 * spool/new/ as the agent finds it at start, read once: the journal needs
 * its names before the intake exists (what a record names must still be
 * there), and the intake's first scan takes them instead of reading the
 * folder again, which with a backlog of 100,000 files is ~150 ms of the
 * first event's wait.
 *
 * A watch is set before the names are read, so a file dropped after the
 * read is known too (`arrived`); without inotify, `complete` is false and
 * the first scan reads the folder itself.
 */
export class NewAtStart {
  /** Names announced by the watch since just before the read, in arrival order. */
  readonly arrived = new Set<string>();
  /** new/'s names, read once the watch stood. */
  names: readonly string[] = [];
  /** A nameless watch event or a watch error: what arrived is not known. */
  private unknownArrivals = false;
  private readonly watcher: FSWatcher | undefined;

  private constructor(dir: string) {
    try {
      this.watcher = watch(dir, { persistent: false }, (_, name) => {
        if (typeof name === "string") this.arrived.add(name);
        else this.unknownArrivals = true;
      });
      this.watcher.on("error", () => {
        this.unknownArrivals = true;
      });
    } catch {
      this.watcher = undefined; // no inotify: the first scan reads the folder itself
    }
  }

  static async read(spool: Spool): Promise<NewAtStart> {
    const atStart = new NewAtStart(spool.path("new", ""));
    atStart.names = await spool.names("new");
    return atStart;
  }

  /** Whether `names` and `arrived` together are everything new/ holds. */
  get complete(): boolean {
    return this.watcher !== undefined && !this.unknownArrivals;
  }

  /** Stops watching (the intake's own watch has taken over): from now on arrivals are not known. */
  close(): void {
    this.watcher?.close();
    this.unknownArrivals = true;
    // Not kept for the agent's life: with a large backlog, an array of 100,000 names.
    this.names = [];
    this.arrived.clear();
  }
}
