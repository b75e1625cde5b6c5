import { errnoCode } from "../errors/evh-error.js";
import { sidecarName } from "./sidecar.js";
import type { Spool } from "./spool.js";

/**
 * Deletes a failed event and its sidecar for good (SPEC §6, Postfix's
 * `postsuper -d`). unlink(2) removes a name and never follows it: a link in
 * failed/ goes, whatever it points to stays. The sidecar first, as `retry`
 * does: a crash in between leaves the event listed as failed without its
 * report, never a report nobody lists. Returns false when the event was
 * gone already.
 */
export function purgeFailed(spool: Spool, name: string): boolean {
  try {
    spool.unlink("failed", sidecarName(name));
  } catch (error) {
    const code = errnoCode(error);
    // A name too long for the suffix never had a sidecar.
    if (code !== "ENOENT" && code !== "ENAMETOOLONG") throw error;
  }
  try {
    spool.unlink("failed", name);
    return true;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw error;
  }
}
