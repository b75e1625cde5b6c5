import { lstatSync } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";

/**
 * Why a handler that runs as `uid` must not start because of the root lock
 * (SPEC §4), or undefined when it may start. Checked right before each start
 * so that creating or removing the lock needs no restart. `lstat`, not
 * `exists`: a lock that is a dangling symlink still locks. A lock that cannot
 * be checked (EACCES on `var/`) locks too: when in doubt, root does not run.
 */
export function rootLockRefusal(lockFile: string, uid: number): string | undefined {
  if (uid !== 0) return undefined;
  try {
    // No exception for the usual answer (no lock): building one is most of the check's cost.
    if (lstatSync(lockFile, { throwIfNoEntry: false }) === undefined) return undefined;
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return `cannot check root lock ${lockFile} (${code ?? "unknown error"}); handlers that run as root are not started`;
  }
  return `root lock ${lockFile} exists; handlers that run as root are not started`;
}

/**
 * `var/root.event_handler.lock` (SPEC §1, §4): while it exists no handler
 * runs as root. The executor checks it before every root run; the CLI's
 * `list` and `test` read it without loading the agent.
 */
export function rootLockPath(varDir: string): string {
  return path.join(varDir, "root.event_handler.lock");
}
