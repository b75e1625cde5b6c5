import { rm } from "node:fs/promises";
import { type EventDecodeError, errnoCode } from "../errors/evh-error.js";
import { sidecarName, writeSidecar } from "../spool/sidecar.js";
import type { Spool } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";

/**
 * Moves a file that cannot be an event into failed/ with a sidecar saying
 * why (SPEC §2). The sidecar is written first, under the name the file will
 * take, so a crash in between leaves the file where it is to be tried again.
 * A file that cannot be moved is removed, and the caller logs why. A file
 * already gone (taken by someone else) is `gone`, and its sidecar is taken
 * back: a report about nothing would only mislead.
 */
export async function quarantine(
  spool: Spool,
  name: string,
  from: Extract<SpoolState, "new" | "cur">,
  error: Pick<EventDecodeError, "reason" | "detail">,
): Promise<
  { placed: string; sidecar: boolean } | { removed: true; because: string } | { gone: true }
> {
  const target = await spool.freeName("failed", name);
  const sidecar = spool.path("failed", sidecarName(target));
  const written = await writeSidecar(sidecar, {
    reason: error.reason,
    detail: error.detail,
    at: new Date().toISOString(),
  });
  try {
    await spool.move(name, from, "failed", target);
    return { placed: target, sidecar: written };
  } catch (moveError) {
    if (errnoCode(moveError) === "ENOENT") {
      await rm(sidecar, { force: true });
      return { gone: true };
    }
    await spool.remove(from, name);
    return { removed: true, because: (moveError as Error).message };
  }
}
