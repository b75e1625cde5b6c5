import { statSync } from "node:fs";
import path from "node:path";

/**
 * Whether a user other than root and the owner can reach `file`: every
 * directory above it searchable by others. A checkout cloned under a 0700
 * home (`/root`) is not, and a test that runs its bin/evh as `nobody` must
 * then skip, saying so.
 */
export function reachableByOthers(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/** Whether this checkout's bin/evh can be run by another user, and the skip note when not. */
export function evhReachableByOthers(bin: string): { reachable: boolean; note: string } {
  const reachable = reachableByOthers(bin);
  return {
    reachable,
    note: reachable
      ? ""
      : " (skipped: other users cannot reach this checkout's bin/evh: a parent directory is closed to them, as /root is)",
  };
}
