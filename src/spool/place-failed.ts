import { errnoCode } from "../errors/evh-error.js";
import { type Sidecar, sidecarName, writeSidecar } from "./sidecar.js";
import type { Spool } from "./spool.js";
import type { SpoolState } from "./spool-states.js";

/**
 * Places an event in failed/ under `target` (from `Spool.freeName`) with its
 * sidecar (SPEC §2, §4): the one write-then-move step of the agent, for an
 * event whose handlers failed and for a file that cannot be an event.
 *
 * The sidecar is written first, under the name the event will take, so a
 * crash in between leaves the event where it is, to be tried and placed
 * again (the orphan report is then replaced or removed). A source that is
 * gone (taken by someone else) throws ENOENT, and its sidecar is taken back:
 * a report about nothing would only mislead. `sidecar` is false when the
 * name is too long to take the suffix: the event is placed all the same.
 *
 * `name` is the event's name in `from`, as bytes when they are not UTF-8.
 */
export async function placeFailed(
  spool: Spool,
  name: string | Buffer,
  from: Extract<SpoolState, "new" | "cur">,
  target: string,
  report: Sidecar,
): Promise<{ sidecar: boolean }> {
  const sidecarFile = spool.path("failed", sidecarName(target));
  const written = await writeSidecar(sidecarFile, report);
  try {
    await spool.move(name, from, "failed", target);
  } catch (error) {
    if (written && errnoCode(error) === "ENOENT") await spool.remove("failed", sidecarName(target));
    throw error;
  }
  return { sidecar: written };
}
