import { isUtf8 } from "node:buffer";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import path from "node:path";
import { errnoCode, toError } from "../errors/evh-error.js";

/** What reading one entry of handlers.d/ gave. */
export type FileRead =
  | { readonly kind: "text"; readonly text: string }
  /** Removed between listing and opening: as if never listed. */
  | { readonly kind: "gone" }
  /** Not a regular file (a directory, a FIFO): ignored, with a warning. */
  | { readonly kind: "ignored"; readonly message: string }
  /** Cannot be loaded; the message says why and, where it can, how to fix it. */
  | { readonly kind: "error"; readonly line: number; readonly message: string };

export interface ReadOptions {
  readonly maxBytes: number;
  /**
   * The agent runs as root: only files that root owns and nobody else can
   * write are trusted, as cron does with crontabs (SPEC §3).
   */
  readonly requireRootOwned: boolean;
  /** A user name for a uid, for messages. */
  readonly userName: (uid: number) => string | undefined;
}

const CRON_LIKE = "as root, evh loads only handler files that nobody but root can change";

/**
 * Reads a handler file (a regular file, or a symlink to one) with the checks
 * made on the opened descriptor, so that what is checked is what is read.
 * Content must be UTF-8 (a BOM is dropped).
 */
export function readHandlerFile(file: string, options: ReadOptions): FileRead {
  let opened: { fd: number; viaLink: boolean };
  try {
    opened = openEntry(file);
  } catch (error) {
    return openFailure(file, error);
  }
  const { fd, viaLink } = opened;
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      return { kind: "ignored", message: `not a regular file (${fileKind(stats)}), ignored` };
    }
    const refusal = options.requireRootOwned
      ? ownershipProblem(file, stats, viaLink, options)
      : undefined;
    if (refusal !== undefined) return { kind: "error", line: 1, message: refusal };
    const bytes = readUpTo(fd, stats.size, options.maxBytes + 1);
    if (bytes.length > options.maxBytes) {
      return {
        kind: "error",
        line: 1,
        message: `file is larger than the limit of ${options.maxBytes} bytes for a handler file`,
      };
    }
    return decodeUtf8(bytes);
  } catch (error) {
    return { kind: "error", line: 1, message: `cannot read the file: ${toError(error).message}` };
  } finally {
    closeSync(fd);
  }
}

/** O_NONBLOCK: opening a FIFO must not wait for a writer. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Opens the entry, and says whether it was a symlink: without following
 * first (ELOOP is the kernel's answer for a link), so that the open itself
 * tells a link from a file, with no lstat of the name afterwards (a stat per
 * file at each load, and one that could see a name other than the one opened).
 */
function openEntry(file: string): { fd: number; viaLink: boolean } {
  try {
    return { fd: openSync(file, READ_FLAGS | constants.O_NOFOLLOW), viaLink: false };
  } catch (error) {
    if (errnoCode(error) !== "ELOOP") throw error;
  }
  return { fd: openSync(file, READ_FLAGS), viaLink: true };
}

function openFailure(file: string, error: unknown): FileRead {
  if (errnoCode(error) === "ENOENT") {
    try {
      if (lstatSync(file).isSymbolicLink()) {
        return {
          kind: "error",
          line: 1,
          message: `symlink to a missing file (${tryReadTarget(file)})`,
        };
      }
    } catch {
      // lstat failing too: the entry is gone.
    }
    return { kind: "gone" };
  }
  return { kind: "error", line: 1, message: `cannot open the file: ${toError(error).message}` };
}

function tryReadTarget(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return "unreadable link";
  }
}

function ownershipProblem(
  file: string,
  stats: Stats,
  viaLink: boolean,
  options: ReadOptions,
): string | undefined {
  if (stats.uid !== 0) {
    const who = options.userName(stats.uid);
    return `refused: the file is owned by uid ${stats.uid}${who ? ` (${who})` : ""}, not root; ${CRON_LIKE} (fix: chown root ${file})`;
  }
  if ((stats.mode & 0o022) !== 0) {
    return `refused: the file is writable by group or others (mode ${modeText(stats)}); ${CRON_LIKE} (fix: chmod go-w ${file})`;
  }
  // Through a symlink, whoever can write the target's directory can swap the file.
  if (viaLink) {
    const dir = path.dirname(realpathSync(file));
    const dirStats = statSync(dir);
    if ((dirStats.mode & 0o022) !== 0 || dirStats.uid !== 0) {
      return `refused: the symlink points into ${dir}, which someone other than root can write; ${CRON_LIKE} (fix: chown root ${dir} && chmod go-w ${dir})`;
    }
  }
  return undefined;
}

/** Permission bits as chmod shows them, e.g. `0664`. */
export function modeText(stats: Stats): string {
  return `0${(stats.mode & 0o7777).toString(8).padStart(3, "0")}`;
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device";
  return "not a file";
}

/**
 * Reads to EOF or `limit` bytes. The buffer is sized from fstat (plus one
 * byte, to see a file that grew) rather than zero-filled 64 KiB chunks:
 * with 10,000 small handler files those chunks cost more than the parsing.
 */
function readUpTo(fd: number, size: number, limit: number): Buffer {
  let buffer = Buffer.allocUnsafe(Math.min(size + 1, limit));
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total >= limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
      buffer.copy(bigger, 0, 0, total);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, total, buffer.length - total, null);
    if (n === 0) break;
    total += n;
  }
  return buffer.subarray(0, total);
}

function decodeUtf8(bytes: Buffer): FileRead {
  if (isUtf8(bytes)) return { kind: "text", text: new TextDecoder("utf-8").decode(bytes) };
  // A newline byte never occurs inside a multi-byte sequence, so lines can be checked one by one.
  let line = 1;
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (!isUtf8(bytes.subarray(start, end === -1 ? bytes.length : end))) break;
    if (end === -1) break;
    line++;
    start = end + 1;
  }
  return { kind: "error", line, message: "the file is not valid UTF-8 (save it as UTF-8)" };
}
