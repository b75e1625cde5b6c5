import { watch as watchFiles } from "chokidar";

/** Coalesces a burst of editor writes into one reload. */
const DEBOUNCE_MS = 150;

/**
 * Reloads handlers.d/ when a file in it changes. Resolves, with a stop
 * function, once the watcher is in place: chokidar drops changes made before
 * its `ready`, and nothing else would ever notice them (there is no periodic
 * reload), so the agent must not say it is ready before this.
 */
export async function watchHandlers(dir: string, reload: () => void): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchFiles(dir, { ignoreInitial: true, depth: 0 });
  watcher.on("all", () => {
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  });
  // A handlers.d/ that disappears is reported by the next reload; the watcher's own errors change nothing.
  watcher.on("error", () => undefined);
  await new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
