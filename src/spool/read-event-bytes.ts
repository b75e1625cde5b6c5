import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  type Stats,
} from "node:fs";
import { EntryRefusedError, EventDecodeError } from "../errors/evh-error.js";
import { describeOverLimit, formatBytes } from "../events/limits.js";

/**
 * Reads an event file without following a symlink or blocking on a FIFO
 * (O_NOFOLLOW | O_NONBLOCK), and checks what it opened is a regular file with
 * one name (SPEC §2: a hard link is refused unread): a name can be swapped
 * for something else between the listing and the open.
 * Reads at most `maxBytes + 1` so an oversized file is detected without
 * reading it whole. Synchronous, like the spool's moves: a small local file
 * is read in microseconds, less than the four thread-pool round trips of
 * open, fstat, read and close.
 */
export async function readEventBytes(
  file: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; mtime: Date }> {
  // Looked at before it is opened: opening a FIFO, even without blocking, is
  // something its writer sees, and opening a device can have side effects.
  refuseUnlessRegular(lstatSync(file));
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new EntryRefusedError("not a regular file: symbolic link", "", { cause: error });
    throw error;
  }
  try {
    // Again on what was opened: the name may have been swapped since the lstat.
    const stats = fstatSync(fd);
    refuseUnlessRegular(stats);
    if (stats.size > maxBytes) {
      throw new EventDecodeError(
        describeOverLimit("file", stats.size, maxBytes),
        "raise max_event_size in evh.yaml if such events are expected",
      );
    }
    const buffer = Buffer.alloc(Math.min(stats.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        throw new EventDecodeError(
          `file grew past the ${formatBytes(maxBytes)} limit while being read`,
          "raise max_event_size in evh.yaml if such events are expected",
        );
      }
    }
    return { bytes: buffer.subarray(0, length), mtime: stats.mtime };
  } finally {
    closeSync(fd);
  }
}

/** A regular file with one name, or the reason it is refused (SPEC §2). */
function refuseUnlessRegular(stats: Stats): void {
  if (stats.isSymbolicLink()) throw new EntryRefusedError("not a regular file: symbolic link");
  if (!stats.isFile()) {
    throw new EntryRefusedError(
      `not a regular file: ${stats.isDirectory() ? "directory" : "special file"}`,
    );
  }
  if (stats.nlink > 1) throw hardLinkRefused();
}

/**
 * Why a regular file with more than one name is refused unread (SPEC §2). Not
 * an EntryRefusedError: a Maildir producer's link-then-unlink delivery has
 * two names for a moment, so it is looked at again after the settle delay.
 */
function hardLinkRefused(): EventDecodeError {
  return new EventDecodeError(
    "refused unread: the file has more than one hard link",
    "another name of it may be a file the producer must not reach through the agent; " +
      "write an event file under tmp/ and rename(2) it into new/",
  );
}
