import { mkdtempSync, writeFileSync } from "node:fs";
import { chown, rm, rmdir, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** A written `EVH_PARAMS_FILE`, to be removed once the run is over. */
export interface ParamsFile {
  readonly path: string;
  /** Removes the file and its private directory; never throws. */
  remove(): Promise<void>;
}

/**
 * Writes the params (which can hold passwords) into a fresh private
 * directory: the directory is 0700 (mkdtemp) and the file 0600. When the
 * handler runs as another user both are given to that user, so the handler
 * can read its params and nobody else but root can.
 */
export async function writeParamsFile(
  content: Uint8Array,
  owner: { uid: number; gid: number } | undefined,
): Promise<ParamsFile> {
  // Synchronous: a directory and a small file in /tmp take microseconds, an await each is a
  // thread-pool round trip on the way to every handler start.
  const dir = mkdtempSync(path.join(tmpdir(), "evh-params-"));
  const file = path.join(dir, "params");
  // unlink + rmdir: two system calls, where rm -r walks the tree (lstat, readdir, retries) every
  // run. Only a directory the handler put more files into takes the long way.
  const remove = async () => {
    await unlink(file).catch(() => undefined);
    await rmdir(dir).catch(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));
  };
  try {
    // `wx`: the directory is new, so anything already there is an attack, not a leftover.
    writeFileSync(file, content, { mode: 0o600, flag: "wx" });
    if (owner) {
      await chown(file, owner.uid, owner.gid);
      await chown(dir, owner.uid, owner.gid);
    }
    return { path: file, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
