import { isUtf8 } from "node:buffer";
import {
  chownSync,
  constants as fsConstants,
  lstatSync,
  renameSync,
  type Stats,
  unlinkSync,
} from "node:fs";
import { chmod, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { errnoCode, SpoolTransitionError } from "../errors/evh-error.js";
import type { SystemGroup } from "../system/system-groups.js";
import { checkTrustedDir } from "../system/trusted-path.js";
import { isEventName } from "./event-names.js";
import { isSidecar, isSidecarTemp, sidecarName } from "./sidecar.js";
import { canMove, PRODUCER_STATES, SPOOL_STATES, type SpoolState } from "./spool-states.js";

/** A file found in a spool folder, with what ordering needs. */
export interface SpoolEntry {
  readonly name: string;
  readonly mtimeMs: number;
  /** `file`, or what else it is (SPEC §2: never opened or followed). */
  readonly kind: EntryKind;
  /**
   * The name's bytes, set only when they are not valid UTF-8: `name` then has
   * U+FFFD in place of the bad bytes, and the file is reachable by `raw` only.
   */
  readonly raw?: Buffer;
}

/**
 * `hard link`: a regular file with more than one name. It is refused unread
 * like a non-regular entry (SPEC §2): its other name may be a file its
 * producer must not read, or could write, through the agent.
 */
export type EntryKind =
  | "file"
  | "hard link"
  | "symbolic link"
  | "directory"
  | "FIFO"
  | "socket"
  | "device";

/**
 * The spool directory and its state folders; every move is one rename(2).
 * Moves, removals and lstat calls are synchronous on purpose: they are
 * metadata operations of microseconds on a local filesystem (rename(2)
 * atomicity already requires the spool to be one), while each awaited one
 * costs a thread-pool round trip, two context switches and an event-loop
 * wakeup, several per event.
 */
export class Spool {
  /** `producerGroup`: the `producer_group` of evh.yaml, whose members may write tmp/ and new/. */
  constructor(
    readonly dir: string,
    private readonly producerGroup?: SystemGroup,
  ) {}

  /** Absolute path of `name` in `state`. */
  path(state: SpoolState, name: string): string {
    return path.join(this.dir, SPOOL_STATES[state], name);
  }

  /**
   * Checks the spool folders before they are used (SPEC §1): each must be a
   * real directory, owned by the running user or root, that no other user can
   * write to — except tmp/ and new/ for the producer group. Throws
   * UntrustedPathError naming the folder. Returns the folders that exist.
   */
  checkTrust(states: readonly SpoolState[] = STATES): SpoolState[] {
    checkTrustedDir(this.dir);
    return states.filter((state) =>
      checkTrustedDir(path.join(this.dir, SPOOL_STATES[state]), {
        allowGroupWrite: this.producerGroup !== undefined && PRODUCER_STATES.includes(state),
      }),
    );
  }

  /**
   * Creates missing folders with their modes (SPEC §2, §4): cur/, done/,
   * failed/ 0700, since events carry secrets; tmp/ and new/ 0700 too, or 1730
   * owned by the producer group (the Postfix maildrop model). Refuses folders
   * it cannot trust before it touches any. Returns warnings for the log: a
   * tmp/ or new/ other users can read or write.
   */
  async ensure(): Promise<string[]> {
    this.checkTrust();
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const warnings: string[] = [];
    for (const state of STATES) {
      const dir = path.join(this.dir, SPOOL_STATES[state]);
      const existed = checkTrustedDir(dir, {
        allowGroupWrite: this.producerGroup !== undefined && PRODUCER_STATES.includes(state),
      });
      if (!existed) await mkdir(dir, { mode: 0o700 }).catch(ignoreExists);
      if (!PRODUCER_STATES.includes(state)) {
        await chmod(dir, 0o700); // past the umask, and narrowed if it was wider
      } else if (this.producerGroup !== undefined) {
        chownSync(dir, process.geteuid?.() ?? 0, this.producerGroup.gid);
        await chmod(dir, 0o1730);
      } else if (!existed) {
        await chmod(dir, 0o700);
      } else {
        const warning = exposure(dir);
        if (warning) warnings.push(warning);
      }
    }
    return warnings;
  }

  /**
   * Removes sidecar temp files from failed/: written by an agent killed before
   * it renamed them, they are half a report and no event. Called at start,
   * under the instance lock, so no live writer owns them.
   */
  async removeSidecarTemps(): Promise<number> {
    const stale = (await readdir(path.join(this.dir, "failed"))).filter(isSidecarTemp);
    for (const name of stale) await this.remove("failed", name);
    return stale.length;
  }

  /**
   * Removes the sidecar of `name` from failed/ when no event of that name is
   * there: the orphan left by a kill between writing a failed event's report
   * and moving the event, once a resumed run ended otherwise.
   */
  async removeOrphanSidecar(name: string): Promise<void> {
    const sidecar = sidecarName(name);
    // A quarantined file that merely has a sidecar's name has a sidecar of its own: keep it.
    if (this.exists("failed", name) || this.exists("failed", sidecarName(sidecar))) {
      return;
    }
    await this.remove("failed", sidecar);
  }

  /**
   * Moves an event between states, keeping its name unless the destination
   * already holds one of that name: rename(2) would silently replace it, and a
   * quarantined event must never be lost to a later one. Returns the name used.
   * Throws ENOENT when the source is gone (another process took it).
   */
  async move(
    name: string | Buffer,
    from: SpoolState,
    to: SpoolState,
    targetName?: string,
  ): Promise<string> {
    if (!canMove(from, to)) throw new SpoolTransitionError(`spool: no transition ${from} → ${to}`);
    const target = targetName ?? (await this.freeName(to, name.toString()));
    renameSync(this.pathOf(from, name), this.path(to, target));
    return target;
  }

  /** unlink(2) of one name in a state folder; throws ENOENT when it is not there. */
  unlink(state: SpoolState, name: string): void {
    unlinkSync(this.path(state, name));
  }

  async remove(state: SpoolState, name: string | Buffer): Promise<void> {
    try {
      unlinkSync(this.pathOf(state, name));
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
  }

  /**
   * Lists a state folder in processing order: mtime, then byte order of
   * names (SPEC §5). lstat, never stat: a symlink is reported as one, not
   * followed. Entries that vanish while listed are skipped. A name that is
   * not valid UTF-8 is listed with its bytes (`raw`). `names`, when given,
   * are the folder's names read just before (see agent/new-at-start).
   */
  async list(
    state: SpoolState,
    skip?: (name: string) => boolean,
    names?: readonly string[],
  ): Promise<SpoolEntry[]> {
    const dir = path.join(this.dir, SPOOL_STATES[state]);
    names ??= await readdir(dir);
    // Names from readdir hold no `/`: a concatenation, not a path.join per file (100,000 of them).
    const prefix = `${dir}${path.sep}`;
    const entries: SpoolEntry[] = [];
    let rawListed = false;
    for (const name of names) {
      if (skip?.(name)) continue;
      try {
        // Synchronous on purpose: an lstat takes microseconds, while an awaited one costs a
        // thread-pool round trip; with a backlog of 100,000 files that is seconds before the
        // first event can start.
        const stats = lstatSync(prefix + name);
        entries.push({ name, mtimeMs: stats.mtimeMs, kind: kindOf(stats) });
      } catch (error) {
        if (errnoCode(error) !== "ENOENT") throw error;
        // Node decodes bytes that are not UTF-8 to U+FFFD, so such a name is not found by its
        // string. Only then is the folder read again as bytes: names as strings stay the rule.
        if (!rawListed && name.includes("\uFFFD")) {
          rawListed = true;
          entries.push(...(await this.listNotUtf8(state, skip)));
        }
      }
    }
    return entries.sort(compareEntries);
  }

  /**
   * The events in a state folder (`isEventName`: no sidecars, no hidden
   * names), in processing order; none when the folder does not exist yet.
   */
  async events(state: SpoolState): Promise<SpoolEntry[]> {
    try {
      return await this.list(state, (name) => !isEventName(state, name));
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return [];
      throw error;
    }
  }

  /**
   * The names in a state folder, unordered and not lstat-ed: enough to know
   * what exists (the journal's replay at start), at a fraction of `list`'s
   * cost with a backlog of 100,000 files.
   */
  async names(state: SpoolState): Promise<string[]> {
    return readdir(path.join(this.dir, state));
  }

  /** The entries of a state folder whose names are not valid UTF-8, with their bytes. */
  private async listNotUtf8(
    state: SpoolState,
    skip?: (name: string) => boolean,
  ): Promise<SpoolEntry[]> {
    const entries: SpoolEntry[] = [];
    for (const raw of await readdir(path.join(this.dir, state), { encoding: "buffer" })) {
      if (isUtf8(raw)) continue;
      const name = raw.toString("utf8");
      if (skip?.(name)) continue;
      try {
        const stats = lstatSync(this.pathOf(state, raw));
        entries.push({ name, mtimeMs: stats.mtimeMs, kind: kindOf(stats), raw });
      } catch (error) {
        if (errnoCode(error) !== "ENOENT") throw error;
      }
    }
    return entries;
  }

  /** One entry of a state folder, or undefined if it is not there (lstat: never followed). */
  entry(state: SpoolState, name: string): SpoolEntry | undefined {
    try {
      const stats = lstatSync(this.path(state, name), { throwIfNoEntry: false });
      return stats && { name, mtimeMs: stats.mtimeMs, kind: kindOf(stats) };
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return undefined;
      throw error;
    }
  }

  /**
   * `name` if `state` has no entry of that name, else `name` with a numeric
   * suffix that is free. In failed/ the name's sidecar must be free too, so
   * a quarantined `x.json.error.json` is never overwritten by the sidecar of
   * a later bad `x.json` — unless that sidecar is an orphan (no event of its
   * name, and not itself a quarantined file with a sidecar of its own): the
   * report of this very event, left by a kill before the event was moved.
   * Overwriting it keeps the event's name, and with it its retry progress.
   */
  async freeName(state: SpoolState, name: string): Promise<string> {
    for (let n = 0; ; n++) {
      const candidate = n === 0 ? name : withSuffix(name, n);
      if (this.exists(state, candidate)) continue;
      if (state !== "failed") return candidate;
      // In failed/ a `*.error.json` is a report (event-names.ts): an event never takes such a
      // name there, so it cannot be mistaken for an orphan report and replaced by another's.
      if (isSidecar(candidate)) continue;
      const sidecar = sidecarName(candidate);
      if (!this.exists(state, sidecar) || !this.exists(state, sidecarName(sidecar))) {
        return candidate;
      }
    }
  }

  /** `path()` for a name given as a string, or as bytes when they are not UTF-8. */
  private pathOf(state: SpoolState, name: string | Buffer): string | Buffer {
    if (typeof name === "string") return this.path(state, name);
    return Buffer.concat([
      Buffer.from(`${path.join(this.dir, SPOOL_STATES[state])}${path.sep}`),
      name,
    ]);
  }

  private exists(state: SpoolState, name: string): boolean {
    try {
      // A free name is the usual answer: no exception for it (ENOENT).
      return lstatSync(this.path(state, name), { throwIfNoEntry: false }) !== undefined;
    } catch (error) {
      // A name too long to exist (a sidecar's, past NAME_MAX) is free, and never used as a
      // placement: `withSuffix` keeps every candidate within NAME_MAX.
      if (errnoCode(error) === "ENOENT" || errnoCode(error) === "ENAMETOOLONG") return false;
      throw error;
    }
  }
}

/** The longest file name Linux file systems take, in bytes (NAME_MAX). */
const NAME_MAX = 255;

/**
 * `x.json` → `x.1.json`: keeps the extension, so the renamed file is still an
 * event file. A name too long to take the suffix (near NAME_MAX) loses the end
 * of its stem instead, so every name has a unique placement (SPEC §2).
 */
export function withSuffix(name: string, n: number): string {
  const ext = path.extname(name);
  const tail = `.${n}${ext}`;
  const stem = name.slice(0, name.length - ext.length);
  return `${truncateBytes(stem, NAME_MAX - Buffer.byteLength(tail))}${tail}`;
}

/** The longest prefix of `text` that fits `max` UTF-8 bytes, never cutting a character. */
function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > max) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

const STATES = Object.keys(SPOOL_STATES) as SpoolState[];

function ignoreExists(error: unknown): void {
  if (errnoCode(error) !== "EEXIST") throw error;
}

/** A warning when other users can read or write a producer folder (SPEC §2: passwords). */
function exposure(dir: string): string | undefined {
  const mode = lstatSync(dir).mode;
  if ((mode & 0o066) === 0) return undefined;
  const octal = (mode & 0o7777).toString(8).padStart(4, "0");
  return (
    `${dir} can be read or written by other users (mode ${octal}): event files carry ` +
    "passwords; chmod 0700 it, or set producer_group in evh.yaml for producers that are not root"
  );
}

/** mtime, then the byte order of names (not the locale's). */
export function compareEntries(a: SpoolEntry, b: SpoolEntry): number {
  return a.mtimeMs - b.mtimeMs || compareBytes(a.name, b.name);
}

/**
 * Byte order of the UTF-8 names. For ASCII names that is plain string order,
 * with no Buffer per comparison (a sort of 100,000 names makes millions).
 */
function compareBytes(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Printable ASCII: other names (rare) take the Buffer path, which is right for any name. */
const ASCII = /^[ -~]*$/;

function kindOf(stats: Stats): EntryKind {
  switch (stats.mode & fsConstants.S_IFMT) {
    case fsConstants.S_IFREG:
      return stats.nlink > 1 ? "hard link" : "file";
    case fsConstants.S_IFLNK:
      return "symbolic link";
    case fsConstants.S_IFDIR:
      return "directory";
    case fsConstants.S_IFIFO:
      return "FIFO";
    case fsConstants.S_IFSOCK:
      return "socket";
    default:
      return "device";
  }
}
