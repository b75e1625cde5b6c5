import { watch } from "node:fs";

/** Coalesces a burst of editor writes into one reload. */
const DEBOUNCE_MS = 150;

/**
 * Reloads handlers.d/ when a file in it changes. One inotify watch on the
 * directory reports creations, removals, renames and writes of the files in
 * it; it is in place when watch() returns, so the agent may say it is ready
 * right after. (chokidar would also watch every file and stat each one first:
 * seconds and ~100 MiB with 10,000 handler files.)
 */
export async function watchHandlers(dir: string, reload: () => void): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(dir, () => {
      clearTimeout(timer);
      timer = setTimeout(reload, DEBOUNCE_MS);
    });
    // A handlers.d/ that disappears is reported by the next reload; the watcher's own errors change nothing.
    watcher.on("error", () => undefined);
  } catch {
    // No handlers.d/ yet, or no inotify: SIGHUP still reloads.
  }
  return async () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
