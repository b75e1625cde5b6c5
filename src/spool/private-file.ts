import { closeSync, constants, fchmodSync, fstatSync, lstatSync, openSync } from "node:fs";
import { errnoCode } from "../errors/evh-error.js";

/**
 * Takes every permission of group and others off a regular file, found
 * without following a link or blocking on a FIFO (O_NOFOLLOW | O_NONBLOCK).
 * `evh retry` does this before an event goes back to new/: event files carry
 * passwords, and a producer's 0644 file must not become readable to the
 * producer group there (SPEC §2). Anything else, a hard-linked file
 * included, is left as it is: the agent refuses it again, unread.
 */
export function keepPrivate(file: string): void {
  let fd: number;
  try {
    // A device is not even opened: opening one can have side effects.
    if (!lstatSync(file).isFile()) return;
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ELOOP" || code === "ENOENT" || code === "ENXIO") return;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    // A file with another name is left alone: that name may be any file of the system's.
    if (stats.isFile() && stats.nlink === 1 && stats.mode & 0o077) {
      fchmodSync(fd, stats.mode & 0o7700);
    }
  } finally {
    closeSync(fd);
  }
}
