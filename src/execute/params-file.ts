import { closeSync, constants, fchownSync, openSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { paramsBaseDir } from "./params-base-dir.js";
import { PrivateDir } from "./private-dir.js";

/** A written `EVH_PARAMS_FILE`, to be removed once the run is over. */
export interface ParamsFile {
  readonly path: string;
  /** Removes the file; never throws. */
  remove(): void;
}

/**
 * The params (which can hold passwords) go into one of two directories of
 * the agent's, each made once (a directory per run cost a mkdtemp, a rmdir
 * and, for another user, two chowns: 0.33 ms of main thread per event):
 *
 * - handlers that run as the agent's own user: a 0700 directory;
 * - handlers that run as another user (only a root agent has them): a 0711
 *   directory of root's. Such a handler cannot enter a 0700 directory of
 *   root's; 0711 lets it reach a file it is given the name of, but not list
 *   the directory or put anything in it. The file is 0600 and given to the
 *   handler's user, so it is theirs alone (and root's). One directory per
 *   user, owned by that user, would let them swap it for a symlink between
 *   the agent's check and its open, and have root create files where they
 *   choose; a directory per run is what this replaces.
 *
 * Each file is new (O_EXCL, O_NOFOLLOW, 0600) under a name no other run of
 * the process uses. The directory is checked before the open, so nothing is
 * created through a directory that is not the agent's, and after it, so a
 * directory swapped in between is caught before anything is written.
 */
interface Dirs {
  readonly own: PrivateDir;
  readonly shared: PrivateDir;
}

/** By base directory: one agent has one, but a process may run handlers for several roots (tests). */
const dirsByBase = new Map<string, Dirs>();

function dirsFor(base: string): Dirs {
  let dirs = dirsByBase.get(base);
  if (dirs === undefined) {
    dirs = {
      own: new PrivateDir("evh-params-", 0o700, () => base),
      shared: new PrivateDir("evh-params-users-", 0o711, () => base),
    };
    dirsByBase.set(base, dirs);
  }
  return dirs;
}

/** The files written and not yet removed, so that an exit does not leave them behind. */
const live = new Set<string>();
let runs = 0;
let cleanupAtExit = false;

const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `content` to a new private file. With `owner` (a handler that runs
 * as another user) the file is given to that user, so the handler can read
 * its params and nobody else but root can. `varDir` is the agent's `var/`,
 * the last choice of {@link paramsBaseDir}.
 */
export function writeParamsFile(
  content: Uint8Array,
  owner: { uid: number; gid: number } | undefined,
  varDir: string,
): ParamsFile {
  if (!cleanupAtExit) {
    process.once("exit", removeAll);
    cleanupAtExit = true;
  }
  const dirs = dirsFor(paramsBaseDir(varDir));
  const dir = owner === undefined ? dirs.own : dirs.shared;
  // A second try only after the directory was found gone or not ours, in a new one.
  for (let attempt = 1; ; attempt++) {
    const file = path.join(dir.ensure(), `params-${++runs}`);
    let fd: number;
    try {
      fd = openSync(file, CREATE, 0o600);
    } catch (error) {
      // ENOENT: the directory went since the check; EEXIST: a name this process did not make.
      const code = errnoCode(error);
      if (attempt === 1 && (code === "ENOENT" || code === "EEXIST")) {
        dir.forget();
        continue;
      }
      throw error;
    }
    try {
      if (!dir.isIntact()) {
        // The empty file stays where it is: no unlink through a path that is not the agent's.
        dir.forget();
        if (attempt === 1) continue;
        throw new Error(`${path.dirname(file)} changed while a params file was made in it`);
      }
      if (owner !== undefined) fchownSync(fd, owner.uid, owner.gid);
      writeFileSync(fd, content);
      live.add(file);
      return { path: file, remove: () => removeFile(file) };
    } catch (error) {
      // Never written to, or not wholly: no half params file for a handler to read.
      if (dir.isIntact()) removeFile(file);
      throw error;
    } finally {
      closeSync(fd);
    }
  }
}

function removeFile(file: string): void {
  live.delete(file);
  try {
    unlinkSync(file);
  } catch {
    // Already gone (the directory was cleaned up under the agent): nothing to do.
  }
}

/** At exit: the files of runs still going, then the directories if empty. */
function removeAll(): void {
  const all = [...dirsByBase.values()].flatMap((d) => [d.own, d.shared]);
  const intact = all.map((d) => d.intactPath());
  // Only in a directory that is still the agent's: no unlink through a path someone else made.
  for (const file of live) if (intact.includes(path.dirname(file))) removeFile(file);
  for (const d of all) d.remove();
}
