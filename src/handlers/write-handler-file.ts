import { randomBytes } from "node:crypto";
import { link, mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** Handler files are readable by all and writable by their owner only (root when root: SPEC §3). */
export const HANDLER_FILE_MODE = 0o644;

/**
 * Writes a handler file atomically: the text goes to a hidden temp file in
 * the same directory (the loader and the agent's watcher ignore names
 * starting with `.`), is fsynced and given mode 0644, then takes the final
 * name in one step, and the directory is fsynced. A running agent therefore
 * sees the old file or the new one, never half of one.
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
  const temp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  const handle = await open(temp, "wx", HANDLER_FILE_MODE);
  try {
    await handle.writeFile(text, "utf8");
    // The umask may have taken bits away; group- or world-writable would be refused under root.
    await handle.chmod(HANDLER_FILE_MODE);
    await handle.sync();
    await handle.close();
    if (options.replace) {
      await rename(temp, file);
    } else {
      await link(temp, file);
      await unlink(temp);
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

/** Removes a handler file and makes the removal durable. */
export async function removeHandlerFile(file: string): Promise<void> {
  await unlink(file);
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
