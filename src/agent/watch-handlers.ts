import path from "node:path";
import { watch } from "chokidar";
import { isHandlerFileName } from "../handlers/load-handlers.js";

/** Coalesces what is left of a burst of writes (a save of several files, `cp *.yaml`) into one reload. */
const DEBOUNCE_MS = 150;

/**
 * Reloads handlers.d/ when a handler file in it is added, changed or
 * removed. People and config-management tools edit this folder, so the
 * watcher must see a save the way they meant it: chokidar folds an editor's
 * atomic save (x.yaml renamed to x.yaml~, a new x.yaml written, the backup
 * removed) and Ansible's temp-then-rename into one `change` of x.yaml, and
 * names that are not handler files (swap files `.x.yaml.swp`, backups
 * `x.yaml~`, `.ansible_tmp*`) are ignored, so an open editor causes no
 * reload at all. A handlers.d/ that is a symlink is watched through it.
 *
 * Resolves once the watcher is in place: a change made before chokidar's
 * `ready` would be missed, and there is no periodic reload, so the agent says
 * it is ready only after this. Cost, measured (docs/architecture.md): about
 * 0.2 s and 13 MiB more at start with 1,000 handler files, none at 10.
 * spool/new/ keeps one fs.watch (agent/intake): a queue folder, where a watch
 * and a stat per waiting file cost O(N²) in a burst.
 */
export async function watchHandlers(dir: string, reload: () => void): Promise<() => Promise<void>> {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, {
    ignoreInitial: true,
    depth: 0,
    ignored: (file) => file !== dir && !isHandlerFileName(path.basename(file)),
  });
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
