import { rm } from "node:fs/promises";
import { EventDecodeError, errnoCode } from "../errors/evh-error.js";
import { showNameBytes } from "../events/event-file-name.js";
import { sidecarName, writeSidecar } from "../spool/sidecar.js";
import type { Spool } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";

/** Where a refused file went: failed/, nowhere (removed), or it was gone already. */
export type Quarantined =
  | { placed: string; sidecar: boolean }
  | { removed: true; because: string }
  | { gone: true };

/**
 * Moves a file that cannot be an event into failed/ with a sidecar saying
 * why (SPEC §2). The sidecar is written first, under the name the file will
 * take, so a crash in between leaves the file where it is to be tried again.
 * A file that cannot be moved is removed, and the caller logs why. A file
 * already gone (taken by someone else) is `gone`, and its sidecar is taken
 * back: a report about nothing would only mislead.
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
  const sidecar = spool.path("failed", sidecarName(target));
  const written = await writeSidecar(sidecar, {
    reason: error.reason,
    detail: error.detail,
    at: new Date().toISOString(),
  });
  try {
    await spool.move(raw ?? name, from, "failed", target);
    return { placed: target, sidecar: written };
  } catch (moveError) {
    if (errnoCode(moveError) === "ENOENT") {
      await rm(sidecar, { force: true });
      return { gone: true };
    }
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
