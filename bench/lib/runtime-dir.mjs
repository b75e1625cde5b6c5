import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { onCleanup } from "./cleanup.mjs";

let dir;

/**
 * The agent's RUNTIME_DIRECTORY, as systemd's `RuntimeDirectory=evh` gives
 * it (examples/evh.service): a directory of its own on a tmpfs, where each
 * handler's params file is made. Without it a root agent uses /run/evh,
 * which on a systemd machine is a tmpfs too, but on ext4 in some containers
 * (this one): there every params file's create would wait on the disk's
 * journal behind the agent's own fdatasyncs, a cost no real installation
 * pays. One per benchmark run, under /dev/shm, removed at the end. An
 * explicit RUNTIME_DIRECTORY in the environment is used as it is.
 */
export function runtimeDirectory() {
  if (process.env.RUNTIME_DIRECTORY) return process.env.RUNTIME_DIRECTORY;
  if (dir === undefined) {
    const base = existsSync("/dev/shm") ? "/dev/shm" : "/tmp";
    dir = mkdtempSync(path.join(base, "evh-bench-run-"));
    chmodSync(dir, 0o711);
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}
