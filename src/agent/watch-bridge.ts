import { type FSWatcher, readdirSync, watch } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { isHandlerFileName } from "../handlers/load-handlers.js";

/**
 * Watches handlers.d/ while chokidar is still setting up its own watches, so
 * that the agent can load and start before chokidar's initial scan is over
 * (with 10,000 handler files the scan took longer than the load itself).
 *
 * One inotify watch on the folder sees every change made to its entries and,
 * through them, to the files they name: created, written, chmod-ed, renamed,
 * removed. A handler file that is a symlink is a name in the folder, while its
 * content lives elsewhere, so each such link gets a watch of its own, which
 * follows it to the file. Both are in place when this returns, before the
 * load lists the folder: a change made after that is seen here or, once
 * chokidar says it is ready, by chokidar. (inotify reports what is done
 * through a name in the folder: a handler file hard-linked elsewhere and
 * written through its other name meanwhile is the one change not seen.)
 *
 * Returns undefined when the folder cannot be watched (missing, no inotify
 * watch left): the caller then waits for chokidar as before.
 */
export function bridgeWatch(dir: string, onChange: () => void): (() => void) | undefined {
  const watchers: FSWatcher[] = [];
  const close = () => {
    for (const watcher of watchers) watcher.close();
  };
  const changed = (name: string | null) => {
    // Linux always names the entry; without a name, assume the worst.
    if (name === null || isHandlerFileName(name)) onChange();
  };
  try {
    watchers.push(watch(dir, (_, name) => changed(name)));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isSymbolicLink() || !isHandlerFileName(entry.name)) continue;
      const link = path.join(dir, entry.name);
      try {
        watchers.push(watch(link, () => onChange()));
      } catch (error) {
        // A dangling link has nothing to watch (the load reports it); any other failure fails the bridge.
        if (errnoCode(error) !== "ENOENT") throw error;
      }
    }
  } catch {
    close();
    return undefined;
  }
  // A watch that fails stops: whatever it might have missed, a reload reads it.
  for (const watcher of watchers) watcher.on("error", () => onChange());
  return close;
}
