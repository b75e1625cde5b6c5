import { watch as watchFiles } from "chokidar";

/** Coalesces a burst of editor writes into one reload. */
const DEBOUNCE_MS = 150;

/** Reloads handlers.d/ when a file in it changes; returns a stop function. */
export function watchHandlers(dir: string, reload: () => void): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchFiles(dir, { ignoreInitial: true, depth: 0 });
  watcher.on("all", () => {
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  });
  // A handlers.d/ that disappears is reported by the next reload; the watcher's own errors change nothing.
  watcher.on("error", () => undefined);
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
