import { constants } from "node:fs";
import { type FileHandle, lstat, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { readTextNoFollow } from "../system/read-text-no-follow.js";
import { ensureTrustedStateDir } from "../system/trusted-path.js";
import { CommandError } from "./cli-error.js";
import { displayPath } from "./output.js";
import { asPleskIds, NO_PLESK_IDS, type PleskIds, samePleskIds } from "./plesk-ids.js";

/** `var/plesk-ids.json`: the numbers of the Plesk syntax (plesk-ids.ts). */
export function pleskIdsFile(varDir: string): string {
  return path.join(varDir, "plesk-ids.json");
}

/** How long a command waits for another one holding the registry. */
const LOCK_WAIT_MS = 10_000;
/** A `.new` file this old was left by a command that died: no command holds it that long. */
const STALE_MS = 60_000;

/**
 * Reads the registry, applies `change` and stores the result. The new text
 * goes to `plesk-ids.json.new`, created exclusively (O_EXCL, 0600: the ids
 * name handler files, nothing more, but var/ is private), fsynced and
 * renamed over the old file, so a crash leaves the old version or the new
 * one. The exclusive create is also the lock: two `event_handler` commands
 * at once (two installers) take turns, so no number is given twice.
 *
 * `change` runs under the lock, so whatever it reads (handlers.d/) is not
 * older than the state it changes.
 *
 * With `create: false` a missing registry stays missing (a native
 * `evh delete` has nothing to retire when no Plesk-syntax command ever ran).
 */
export async function changePleskIds(
  varDir: string,
  change: (state: PleskIds) => PleskIds | Promise<PleskIds>,
  options: { create: boolean } = { create: true },
): Promise<PleskIds> {
  const file = pleskIdsFile(varDir);
  if (!options.create && !(await exists(file))) return NO_PLESK_IDS;
  // var/ as the agent makes it (0700), and refused when it is a link or someone else's (SPEC §1).
  ensureTrustedStateDir(varDir);
  const temp = `${file}.new`;
  const handle = await lock(temp);
  let renamed = false;
  try {
    const before = await readState(file);
    const after = await change(before);
    if (samePleskIds(before, after) && (await exists(file))) return after;
    await handle.writeFile(`${JSON.stringify(after, null, 1)}\n`, "utf8");
    await handle.chmod(0o600);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    renamed = true;
    await syncDir(varDir);
    return after;
  } finally {
    await handle.close().catch(() => undefined);
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

async function lock(temp: string): Promise<FileHandle> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  for (;;) {
    try {
      return await open(temp, flags, 0o600);
    } catch (error) {
      if (errnoCode(error) !== "EEXIST") throw error;
    }
    const age = await lstat(temp).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_MS) {
      await unlink(temp).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new CommandError(
        `${displayPath(temp)} exists: another evh event_handler command is changing the handler numbers; try again, or remove the file if no such command runs`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function readState(file: string): Promise<PleskIds> {
  const text = await readTextNoFollow(file);
  if (text === undefined) return NO_PLESK_IDS;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const state = asPleskIds(parsed);
  if (state === undefined) {
    // Renumbering from scratch could give a number a script still holds to another handler.
    throw new CommandError(
      `${displayPath(file)} is not a valid handler number registry; restore it from a backup, or remove it to number the handlers anew (old numbers then name other handlers)`,
    );
  }
  return state;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
