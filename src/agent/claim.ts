import { existsSync } from "node:fs";
import { EntryRefusedError, EventDecodeError, errnoCode } from "../errors/evh-error.js";
import { classifyEventFileName } from "../events/decode-event-file.js";
import type { Registry } from "../handlers/registry.js";
import type { Spool, SpoolEntry } from "../spool/spool.js";
import type { ToDecode } from "./decode-queue.js";
import { nameNotUtf8 } from "./quarantine.js";

/**
 * What became of an entry of new/: claimed into cur/ to be decoded, to be
 * refused into failed/ unread, or gone (taken or removed meanwhile).
 */
export type Claim =
  | { readonly toDecode: ToDecode }
  | { readonly reject: EventDecodeError; readonly raw?: Buffer }
  | { readonly gone: true };

/**
 * Moves an entry of new/ to cur/, or says why it cannot be an event. Throws
 * on a transient error (EMFILE, EIO, a spool folder removed by hand): the
 * caller tries this entry again later.
 *
 * @param registry the handler set current now: the event runs with it, whenever it runs
 */
export async function claim(
  spool: Spool,
  entry: SpoolEntry,
  registry: () => Registry,
): Promise<Claim> {
  if (entry.raw) return { reject: nameNotUtf8(entry.raw), raw: entry.raw };
  if (entry.kind !== "file" && entry.kind !== "hard link") {
    return { reject: new EntryRefusedError(`not a regular file: ${entry.kind}`) };
  }
  if (classifyEventFileName(entry.name) === "unsupported") {
    return {
      reject: new EventDecodeError(
        "unsupported file type",
        "event files end in .json, .yaml or .yml",
      ),
    };
  }
  try {
    // A hard-linked file is claimed, never read: Maildir's link(tmp/x, new/x) then
    // unlink(tmp/x) delivery has two links for a moment, so the read in cur/ refuses it
    // only if it still has two after the settle delay (readEventBytes).
    const name = await spool.move(entry.name, "new", "cur");
    return { toDecode: { name, origin: "new", second: false, registry: registry() } };
  } catch (error) {
    if (isGone(spool, entry.name, error)) return { gone: true };
    throw error;
  }
}

/** Whether a failed step on an entry of new/ failed because the entry is no longer there. */
export function isGone(spool: Spool, name: string, error: unknown): boolean {
  return errnoCode(error) === "ENOENT" && !existsSync(spool.path("new", name));
}
