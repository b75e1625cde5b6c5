import { lstatSync, mkdirSync, readlinkSync, type Stats, statSync } from "node:fs";
import { errnoCode, UntrustedPathError } from "../errors/evh-error.js";

/**
 * A root is trusted only as far as its owner (SPEC §1): the agent's state
 * folders (var/, the log folder) and evh.yaml must belong to the user
 * running evh (or to root, whom every user trusts anyway) and must not be
 * writable by others. Otherwise whoever owns or can write them could make a
 * root process write, truncate or reveal a file through a link placed there,
 * or change what the agent does through its config.
 *
 * Self-contained on purpose: the spool folders have a check of their own
 * (their modes differ: tmp/ and new/ may be group-writable for producers).
 */

/** Who may own a trusted path: the user running evh, and root. */
function trustedOwner(uid: number): boolean {
  return uid === 0 || uid === process.geteuid?.();
}

/** Why the state folder `dir` (existing) cannot be trusted, or undefined when it can. */
export function stateDirProblem(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    // Not there yet, or beyond this user's reach (a producer looking into root's 0700 var/):
    // either way nothing in it can be written through by this process.
    if (errnoCode(error) === "ENOENT" || errnoCode(error) === "EACCES") return undefined;
    throw error;
  }
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
