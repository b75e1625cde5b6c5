import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  type Stats,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isProcessAlive } from "./process-session.js";

/**
 * A directory of this process under a base (the temp dir), made with mkdtemp when
 * first needed and kept for the life of the process, so that a run costs a
 * file in it rather than a directory of its own.
 *
 * It is trusted only while it is the very directory made: a real directory
 * (not a symlink), of this process's user, of its mode, and the same inode.
 * In a sticky /tmp nobody else can remove or rename it, but a tmp cleaner
 * can remove it when the agent is idle for long, and then anybody can make
 * one of the same name. {@link ensure} checks before each use (one lstat)
 * and makes a new one when the check fails; a leftover of another process
 * is never used, since each process makes its own.
 *
 * Its name carries the pid of the process that made it
 * (`<prefix><pid>-XXXXXX`): before making its first one, a process removes
 * those of its user whose process is gone. An agent killed with `kill -9`
 * leaves its params files (which can hold passwords) behind; the next start
 * takes them away.
 */
export class PrivateDir {
  private made: { readonly path: string; readonly dev: number; readonly ino: number } | undefined;

  /**
   * @param prefix of the directory's name under the base
   * @param mode exact, whatever the umask: 0700, or 0711 for a directory
   *   other users may reach a file in (by name) but not list or write
   */
  constructor(
    private readonly prefix: string,
    private readonly mode: number,
    /** Where to make it, asked each time one is made. @defaultValue the temp directory */
    private readonly base: () => string = tmpdir,
  ) {}

  private swept = false;

  /** The directory's path, made (again) when there is none that passes the check. */
  ensure(): string {
    if (this.made !== undefined && this.isIntact()) return this.made.path;
    const base = this.base();
    if (!this.swept) {
      this.swept = true;
      removeLeftovers(base, this.prefix);
    }
    const dir = mkdtempSync(path.join(base, `${this.prefix}${process.pid}-`));
    // Ours alone until the chmod: mkdtemp makes it 0700 and new, in a sticky directory.
    chmodSync(dir, this.mode);
    const stats = lstatSync(dir);
    this.made = { path: dir, dev: stats.dev, ino: stats.ino };
    return dir;
  }

  /** Whether the path still names the directory made, unchanged; false when none was made. */
  isIntact(): boolean {
    if (this.made === undefined) return false;
    let stats: Stats;
    try {
      stats = lstatSync(this.made.path);
    } catch {
      return false;
    }
    return (
      stats.isDirectory() &&
      stats.dev === this.made.dev &&
      stats.ino === this.made.ino &&
      stats.uid === process.geteuid?.() &&
      (stats.mode & 0o777) === this.mode
    );
  }

  /** The directory's path if it passes the check, else undefined. */
  intactPath(): string | undefined {
    return this.isIntact() ? this.made?.path : undefined;
  }

  /** Stops using the directory (it failed a check, or something in it did): the next use makes a new one. */
  forget(): void {
    this.made = undefined;
  }

  /** Removes the directory if it is still the one made and empty; never throws. */
  remove(): void {
    if (!this.isIntact() || this.made === undefined) return;
    try {
      rmdirSync(this.made.path);
    } catch {
      // Not empty (a run still going), or gone: left as it is.
    }
    this.made = undefined;
  }
}

/**
 * Removes the directories under `base` named `<prefix><pid>-XXXXXX` that are
 * real directories of this user and whose pid is not a live process (or is
 * this process's: it has made none yet). A live pid of another user
 * (EPERM) keeps its directory. Never throws.
 */
function removeLeftovers(base: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[^-/]{6}$/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    if (pid !== process.pid && isProcessAlive(pid)) continue;
    const dir = path.join(base, name);
    try {
      const stats = lstatSync(dir);
      if (!stats.isDirectory() || stats.uid !== process.geteuid?.()) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: left as it is.
    }
  }
}
