import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { type FileHandle, link, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";

/** Exclusive create that never follows a link: a name that exists, whatever it is, is EEXIST. */
const CREATE_EXCLUSIVE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export interface AtomicWriteOptions {
  /**
   * The temp file: a path (the caller's own name, e.g. under the spool's
   * tmp/), or a maker called again on a collision; by default a hidden random
   * name beside the target (readers of evh's folders skip names with a `.`).
   */
  readonly temp?: string | (() => string);
  /** The new file's mode, set past the umask. @defaultValue 0o600 */
  readonly mode?: number;
  /** fsync the data before the rename: the file survives a power cut whole. */
  readonly sync?: boolean;
  /** fsync the directory after the rename: the new name survives a power cut too. */
  readonly syncDir?: boolean;
  /** link(2) instead of rename(2): EEXIST rather than replacing a file that appeared meanwhile. */
  readonly noReplace?: boolean;
  /** Runs on the written temp file before its mode is set and it takes its name (a chown: it clears set-id bits). */
  readonly prepare?: (handle: FileHandle) => Promise<void>;
}

/**
 * The one way evh replaces a file (journal compaction, emitted events,
 * handler files, sidecars, the running-handlers file): written whole to a
 * temp file created exclusively without following a link (nothing planted
 * under that name is ever written through), then renamed over the target in
 * one step, so a reader sees the old file or the new one, never half of one.
 * A failed write (a full disk) removes the temp file: it must not keep the
 * space it took.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  // 0600 until written: the wanted mode (perhaps wider, or set-id) only on the finished file.
  const { handle, temp } = await createTemp(file, options.temp);
  try {
    await handle.writeFile(data);
    await options.prepare?.(handle);
    // Set explicitly: the umask only takes bits away, and these are the ones wanted.
    await handle.chmod(mode);
    if (options.sync) await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    if (options.noReplace) {
      await link(temp, file);
      await unlink(temp);
    } else {
      await rename(temp, file);
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (options.syncDir) await syncDir(path.dirname(file));
}

async function createTemp(
  file: string,
  temp: AtomicWriteOptions["temp"],
): Promise<{ handle: FileHandle; temp: string }> {
  const makeName =
    typeof temp === "function"
      ? temp
      : () =>
          path.join(
            path.dirname(file),
            `.${path.basename(file).slice(0, 200)}.${randomBytes(8).toString("hex")}.tmp`,
          );
  for (let attempt = 0; ; attempt++) {
    const name = typeof temp === "string" ? temp : makeName();
    try {
      return { handle: await open(name, CREATE_EXCLUSIVE, 0o600), temp: name };
    } catch (error) {
      // A fixed name that exists is the caller's to clear; a random one is drawn again.
      if (typeof temp === "string" || errnoCode(error) !== "EEXIST" || attempt >= 16) throw error;
    }
  }
}

/** fsync(2) of a directory: a rename in it is durable once this returns. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
