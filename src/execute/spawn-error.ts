import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
} from "node:fs";
import path from "node:path";
import { getSystemErrorMap } from "node:util";

/**
 * One line saying why a program could not be started, e.g.
 * `cannot execute /opt/x.sh: permission denied (EACCES)`.
 * ENOENT on a file that exists means its `#!` interpreter is missing, which
 * is said so, since "no such file" about a file that is there misleads. A
 * program path that is not a regular file (a FIFO, a device, a symlink) is
 * not opened to find out: the plain errno text is said instead.
 */
export function describeSpawnError(file: string, code: string | undefined): string {
  if (code === undefined) return `cannot execute ${file}: unknown error`;
  if (code === "ENOENT") {
    const interpreter = shebangInterpreter(file);
    if (interpreter !== undefined) {
      return `cannot execute ${file}: its interpreter ${interpreter} was not found (ENOENT)`;
    }
  }
  return `cannot execute ${file}: ${errnoText(code)} (${code})`;
}

/** The libc text for an errno name, lower-cased to read as part of a sentence. */
function errnoText(code: string): string {
  for (const [name, message] of getSystemErrorMap().values()) {
    if (name === code) return message.charAt(0).toLowerCase() + message.slice(1);
  }
  return FALLBACK_TEXT[code] ?? "error";
}

/** Codes libuv's map lacks (it has no ENOEXEC). */
const FALLBACK_TEXT: Readonly<Record<string, string>> = { ENOEXEC: "exec format error" };

/**
 * How the `#!` line is read. The program path is the handler's, and its user
 * can swap it at any time: a plain open as root would hang the agent on a
 * FIFO put there, or wake a device (a tape's rewind, a watchdog) through a
 * symlink. So nothing but a regular file is opened (lstat of the resolved
 * path first, fstat after), never through a final symlink, and never waiting: O_NONBLOCK makes
 * a FIFO swapped in between open at once, without a writer.
 */
const PEEK = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW | constants.O_NOCTTY;

function shebangInterpreter(file: string): string | undefined {
  // A bare name was looked up in PATH: there is no one file to read.
  if (!path.isAbsolute(file)) return undefined;
  let fd: number | undefined;
  try {
    // A symlinked program (python3 -> python3.11) is diagnosed by its target.
    const real = realpathSync(file);
    if (!lstatSync(real).isFile() || swappableByOthers(real)) return undefined;
    fd = openSync(real, PEEK);
    if (!fstatSync(fd).isFile()) return undefined;
    const head = Buffer.alloc(256);
    const line = head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString("latin1");
    const match = /^#!\s*(\S+)/.exec(line);
    return match?.[1];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether someone other than root and the agent's user could replace a
 * folder on the way to `file` (O_NOFOLLOW guards the last name only): a
 * folder they own, or one they may write to, unless its sticky bit keeps
 * them from replacing the entry, which root or the agent owns (/tmp's rule).
 * Then the `#!` line is not read: the diagnosis does without it.
 */
function swappableByOthers(file: string): boolean {
  const trusted = (uid: number) => uid === 0 || uid === process.geteuid?.();
  const parts = path.dirname(file).split("/").filter(Boolean);
  let parent = lstatSync("/");
  for (let i = 1; i <= parts.length; i++) {
    const entry = lstatSync(`/${parts.slice(0, i).join("/")}`);
    if (!trusted(parent.uid)) return true;
    const othersWrite = (parent.mode & 0o022) !== 0;
    const sticky = (parent.mode & 0o1000) !== 0;
    if (othersWrite && !(sticky && trusted(entry.uid))) return true;
    parent = entry;
  }
  return !trusted(parent.uid) || (parent.mode & 0o022) !== 0;
}
