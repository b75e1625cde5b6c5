import path from "node:path";
import type { FSWatcher } from "chokidar";
import { isHandlerFileName } from "../handlers/load-handlers.js";
import { bridgeWatch } from "./watch-bridge.js";

/** Coalesces what is left of a burst of writes (a save of several files, `cp *.yaml`) into one reload. */
const DEBOUNCE_MS = 150;

/** Watching handlers.d/: `ready` once chokidar's own watches are all in place. */
export interface HandlerWatch {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

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
 * Returns as soon as a change made from now on is sure to cause a reload, so
 * the caller loads after this and misses nothing. chokidar's initial scan (a
 * stat and a watch per file: longer than the load itself at 10,000 files) is
 * not waited for: until it is over, one fs.watch on the folder stands in
 * (agent/watch-bridge). Where that cannot be set up, this waits for chokidar.
 * chokidar itself (its module takes ~40 ms to load) is loaded and started
 * once `startAfter` resolves: the agent passes its readiness, so neither the
 * load nor the scan delays the first events.
 * spool/new/ keeps one fs.watch (agent/intake): a queue folder, where a watch
 * and a stat per waiting file cost O(N²) in a burst.
 */
export async function watchHandlers(
  dir: string,
  reload: () => void,
  startAfter: Promise<unknown> = Promise.resolve(),
): Promise<HandlerWatch> {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const changed = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(reload, DEBOUNCE_MS);
  };
  const closeBridge = bridgeWatch(dir, changed);
  let watcher: FSWatcher | undefined;
  // Without a bridge, nothing watches until chokidar does: it starts now.
  const standing = (closeBridge === undefined ? Promise.resolve() : startAfter).then(async () => {
    const { watch } = await import("chokidar");
    if (stopped) return new Promise<void>(() => undefined); // stopped first: never stands
    watcher = watch(dir, {
      ignoreInitial: true,
      depth: 0,
      ignored: (file) => file !== dir && !isHandlerFileName(path.basename(file)),
    });
    watcher.on("all", changed);
    // A handlers.d/ that disappears is reported by the next reload; the watcher's own errors change nothing.
    watcher.on("error", () => undefined);
    const started = watcher;
    await new Promise<void>((resolve) => started.once("ready", () => resolve()));
  });
  // From chokidar's `ready` on, its watches see what the bridge would.
  const ready = standing.then(() => closeBridge?.());
  if (closeBridge === undefined) await ready;
  return {
    ready,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      closeBridge?.();
      await watcher?.close();
    },
  };
}
