import { EventDecodeError, errnoCode } from "../errors/evh-error.js";
import { showNameBytes } from "../events/event-file-name.js";
import { placeFailed } from "../spool/place-failed.js";
import type { Spool } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";

/** Where a refused file went: failed/, nowhere (removed), or it was gone already. */
export type Quarantined =
  | { placed: string; sidecar: boolean }
  | { removed: true; because: string }
  | { gone: true };

/**
 * Moves a file that cannot be an event into failed/ with a sidecar saying
 * why (SPEC §2), by `placeFailed`. A file that cannot be moved is removed,
 * and the caller logs why. A file already gone (taken by someone else) is
 * `gone`.
 *
 * A name that is not UTF-8 is moved by its bytes (`raw`), and placed under
 * `name`, its UTF-8 form with U+FFFD in place of the bad bytes.
 */
export async function quarantine(
  spool: Spool,
  name: string,
  from: Extract<SpoolState, "new" | "cur">,
  error: Pick<EventDecodeError, "reason" | "detail">,
  raw?: Buffer,
): Promise<Quarantined> {
  const target = await spool.freeName("failed", name);
  try {
    const { sidecar } = await placeFailed(spool, raw ?? name, from, target, {
      reason: error.reason,
      detail: error.detail,
      at: new Date().toISOString(),
    });
    return { placed: target, sidecar };
  } catch (moveError) {
    if (errnoCode(moveError) === "ENOENT") return { gone: true };
    await spool.remove(from, raw ?? name);
    return { removed: true, because: (moveError as Error).message };
  }
}

/** Why a file whose name is not UTF-8 is quarantined, and what to do about it. */
export function nameNotUtf8(raw: Buffer): EventDecodeError {
  return new EventDecodeError(
    "file name is not valid UTF-8",
    `its bytes: ${showNameBytes(raw)} (\\xNN: a byte that is not UTF-8); placed in failed/ ` +
      "with U+FFFD (�) in their place: `evh retry` runs it under that name; " +
      "producers must write UTF-8 names",
  );
}
