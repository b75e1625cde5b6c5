import { lstatSync, mkdirSync, readlinkSync, type Stats, statSync } from "node:fs";
import { errnoCode, UntrustedPathError } from "../errors/evh-error.js";

/**
 * A root is trusted only as far as its owner (SPEC §1), as sshd's
 * StrictModes judges a home: a path evh works in or reads its config from
 * must be what it claims (a real directory: lstat, a symlink is refused,
 * never followed), belong to the user running evh or to root (whom every
 * user trusts anyway), and not be writable by others. Otherwise whoever owns
 * or can write it could make a root process write, truncate or reveal a
 * file through a link placed there, or change what the agent does.
 *
 * One check, three uses with their own options and messages (the tests pin
 * each message):
 * - spool folders (checkTrustedDir): tmp/ and new/ may be group-writable in
 *   the producer_group mode (SPEC §2); a missing one is fine, its creator decides;
 * - the agent's state folders, var/ and the log folder (stateDirProblem,
 *   ensureTrustedStateDir): created 0700 when missing;
 * - evh.yaml (configFileProblem): followed when it is a link, like any config.
 */

/** Who may own a trusted path: the user running evh, and root. */
function trustedOwner(uid: number): boolean {
  return uid === 0 || uid === process.geteuid?.();
}

/** The path's own stats (a link is not followed), or undefined when `missing` says it is not there. */
function lstatUnless(file: string, missing: readonly string[]): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== undefined && missing.includes(code)) return undefined;
    throw error;
  }
}

/** What else than the strict rule a folder may be (SPEC §1). */
export interface TrustOptions {
  /**
   * Its group may write to it: `tmp/` and `new/` in the `producer_group`
   * mode (SPEC §2), where the sticky bit keeps producers from each other's files.
   * @defaultValue false
   */
  readonly allowGroupWrite?: boolean;
}

/**
 * Whether the folder `dir` may be used by the user running evh, as sshd's
 * StrictModes judges a home: it is a real directory (lstat: a symlink is
 * refused, never followed), owned by that user or by root, and no other user
 * can write to it (SPEC §1: a root is trusted only as far as its owner). One
 * that is not there yet is fine: its creator then decides. Throws
 * UntrustedPathError naming the path, why, and the fix; returns whether it exists.
 */
export function checkTrustedDir(dir: string, options: TrustOptions = {}): boolean {
  const stats = lstatUnless(dir, ["ENOENT"]);
  if (!stats) return false;
  if (stats.isSymbolicLink()) {
    throw new UntrustedPathError(dir, "it is a symbolic link; give the real directory instead");
  }
  if (!stats.isDirectory()) throw new UntrustedPathError(dir, "it is not a directory");
  const uid = process.geteuid?.() ?? 0;
  if (!trustedOwner(stats.uid)) {
    throw new UntrustedPathError(
      dir,
      `it is owned by uid ${stats.uid}, not by uid ${uid} running evh nor by root; ` +
        `chown ${uid} it if it is yours`,
    );
  }
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, "0");
  if (stats.mode & 0o002) {
    throw new UntrustedPathError(dir, `every user can write to it (mode ${mode}); chmod o-w it`);
  }
  if (stats.mode & 0o020 && !options.allowGroupWrite) {
    throw new UntrustedPathError(
      dir,
      `its group can write to it (mode ${mode}); chmod g-w it, or set producer_group in evh.yaml for tmp/ and new/`,
    );
  }
  return true;
}

/** Why the state folder `dir` (existing) cannot be trusted, or undefined when it can. */
export function stateDirProblem(dir: string): string | undefined {
  // Not there yet, or beyond this user's reach (a producer looking into root's 0700 var/):
  // either way nothing in it can be written through by this process.
  const stats = lstatUnless(dir, ["ENOENT", "EACCES"]);
  if (!stats) return undefined;
  if (stats.isSymbolicLink()) {
    return `it is a symbolic link (to ${target(dir)}); evh keeps its state only in a real directory (fix: replace the link with a directory owned by the user running evh, mode 0700)`;
  }
  if (!stats.isDirectory()) return "it is not a directory (fix: remove it; evh creates it)";
  return ownershipProblem(dir, stats);
}

/** Why the config file `file` (existing) cannot be trusted, or undefined when it can. */
export function configFileProblem(file: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
  return ownershipProblem(file, stats);
}

/** Throws UntrustedPathError when the existing state folder `dir` is not trusted. */
export function assertTrustedStateDir(dir: string): void {
  const problem = stateDirProblem(dir);
  if (problem) throw new UntrustedPathError(dir, problem);
}

/** Creates the state folder `dir` (0700) when missing, then checks it (a link placed meanwhile included). */
export function ensureTrustedStateDir(dir: string): void {
  // mkdir never follows a link in its last component: an existing link fails the check below.
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
  }
  assertTrustedStateDir(dir);
}

/** Throws UntrustedPathError when the existing config file is not trusted. */
export function assertTrustedConfigFile(file: string): void {
  const problem = configFileProblem(file);
  if (problem) throw new UntrustedPathError(file, problem);
}

function ownershipProblem(file: string, stats: Stats): string | undefined {
  const me = process.geteuid?.() ?? 0;
  if (!trustedOwner(stats.uid)) {
    return `it is owned by uid ${stats.uid}, not by the user running evh (uid ${me}) or root (fix: chown ${me} ${file})`;
  }
  if ((stats.mode & 0o002) !== 0) {
    const mode = `0${(stats.mode & 0o7777).toString(8).padStart(3, "0")}`;
    return `it is writable by others (mode ${mode}) (fix: chmod o-w ${file})`;
  }
  return undefined;
}

function target(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return "?";
  }
}
