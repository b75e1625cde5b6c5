import type { Stats } from "node:fs";
import { lstat, mkdir, unlink } from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { syncDir, writeFileAtomic } from "../system/atomic-write.js";

/**
 * New handler files are private to their owner (root when root: SPEC §3): a
 * command may hold a token, and the agent needs no one else to read them.
 */
export const HANDLER_FILE_MODE = 0o600;

/**
 * Writes a handler file atomically (`writeFileAtomic`): the text goes to a
 * hidden temp file in the same directory (the loader and the agent's watcher
 * ignore names starting with `.`), created exclusively, is fsynced and given
 * its mode, then takes the final name in one step, and the directory is
 * fsynced. A running agent therefore sees the old file or the new one, never
 * half of one. A new file is 0600; a file replaced keeps the mode and owner the
 * administrator gave it (a `chmod 600` is not undone by `evh update`).
 *
 * With `replace: false` the final step is link(2), which fails with EEXIST
 * instead of replacing a file that appeared meanwhile; with `replace: true`
 * it is rename(2).
 */
export async function writeHandlerFile(
  file: string,
  text: string,
  options: { replace: boolean },
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const existing = options.replace ? await regularFile(file) : undefined;
  await writeFileAtomic(file, text, {
    mode: existing ? existing.mode & 0o7777 : HANDLER_FILE_MODE,
    sync: true,
    syncDir: true,
    noReplace: !options.replace,
    prepare: async (handle) => {
      if (
        existing &&
        (existing.uid !== process.geteuid?.() || existing.gid !== process.getegid?.())
      ) {
        await handle.chown(existing.uid, existing.gid);
      }
    },
  });
}

/** The file's stats when it is a regular file (not a link, not missing): whose mode and owner to keep. */
async function regularFile(file: string): Promise<Stats | undefined> {
  try {
    const stats = await lstat(file);
    return stats.isFile() ? stats : undefined;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

/** Removes a handler file and makes the removal durable. */
export async function removeHandlerFile(file: string): Promise<void> {
  await unlink(file);
  await syncDir(path.dirname(file));
}
