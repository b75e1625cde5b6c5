import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { errnoCode, SpoolWriteError, toError, UntrustedPathError } from "../errors/evh-error.js";
import { checkTrustedDir } from "../system/trusted-path.js";
import { spoolFileName } from "./emit-event.js";

/**
 * Drops prepared bytes into `spoolDir` the safe way (SPEC §2), synchronously
 * because the caller is a short-lived producer with nothing else to do: the
 * file is created exclusively and without following links under tmp/, mode
 * 0600 (it may hold passwords), written whole, fsynced, renamed into new/,
 * and new/ is fsynced so the rename survives a power cut. Never waits for the
 * agent. Any failure is a SpoolWriteError saying where and why; a
 * half-written file is removed from tmp/.
 */
export function spoolBytesSync(spoolDir: string, event: string, bytes: Uint8Array): string {
  const tmpDir = path.join(spoolDir, "tmp");
  const newDir = path.join(spoolDir, "new");
  let at = tmpDir;
  try {
    // The spool folder itself first: whoever could swap tmp/ or new/ inside it could divert the event.
    trusted(spoolDir);
    ensureDir(tmpDir);
    at = newDir;
    ensureDir(newDir);
    const name = spoolFileName();
    const tmp = path.join(tmpDir, name);
    at = tmp;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fd = openSync(tmp, flags, 0o600);
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      removeQuietly(tmp);
      throw error;
    }
    closeSync(fd);
    const target = path.join(newDir, name);
    at = target;
    renameSync(tmp, target);
    syncDir(newDir);
    return target;
  } catch (thrown) {
    if (thrown instanceof SpoolWriteError) throw thrown;
    throw new SpoolWriteError(
      `could not spool event ${event} at ${at} (${describe(thrown)}); the event was NOT queued${fix(thrown)}`,
      { cause: thrown },
    );
  }
}

/**
 * A spool folder as the agent would accept it (SPEC §1): a real directory
 * that only its owner (the agent's user or root) and, in the producer_group
 * mode, its group can write; created 0700 when missing.
 */
function ensureDir(dir: string): void {
  if (!trusted(dir, { allowGroupWrite: true })) mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** `checkTrustedDir`, its refusal as the one line a panel logs; whether the folder exists. */
function trusted(dir: string, options?: { allowGroupWrite: boolean }): boolean {
  try {
    return checkTrustedDir(dir, options);
  } catch (error) {
    const why = error instanceof UntrustedPathError ? error.why : describe(error);
    throw new SpoolWriteError(
      `could not spool the event: refusing ${dir}: ${why}; the event was NOT queued`,
      { cause: error },
    );
  }
}

/** fsync a directory, so a rename in it is on disk; some file systems refuse, which is no failure. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // EINVAL on file systems that cannot sync directories: the rename itself succeeded.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or the folder is unwritable: nothing more to do
  }
}

function describe(thrown: unknown): string {
  const code = errnoCode(thrown);
  const error = toError(thrown);
  const text = (error as { syscall?: string }).syscall
    ? error.message.replace(/^[A-Z]+: /, "").replace(/, \w+(?: '.*')?$/, "")
    : error.message;
  return code && !text.includes(code) ? `${code}: ${text}` : text;
}

/** What to do about the usual causes, said once at the end of the line. */
function fix(thrown: unknown): string {
  switch (errnoCode(thrown)) {
    case "ENOSPC":
    case "EDQUOT":
      return ": free space on that file system";
    case "EACCES":
    case "EPERM":
      return ": run as the agent's user (root) or a member of its producer_group";
    case "EROFS":
      return ": the file system is read-only";
    case "ENOENT":
    case "ENOTDIR":
      return ": check the evh root (--root)";
    default:
      return "";
  }
}
