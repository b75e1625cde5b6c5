import { errnoCode } from "../errors/evh-error.js";
import { keepPrivate } from "./private-file.js";
import { sidecarName } from "./sidecar.js";
import type { Spool } from "./spool.js";

/**
 * Puts a failed event back into new/ (SPEC §5): its sidecar removed, its
 * mode narrowed (`keepPrivate`), then one rename. Returns the path it took
 * in new/ (another name when new/ holds one of that name), or undefined when
 * it left failed/ meanwhile. The agent's journal knows the event by its
 * bytes, so only its handlers that failed run again.
 */
export async function retryFailed(spool: Spool, name: string): Promise<string | undefined> {
  // Sidecar first: once the event is in new/, the agent may fail it again and write a fresh one.
  await spool.remove("failed", sidecarName(name));
  try {
    keepPrivate(spool.path("failed", name));
    return spool.path("new", await spool.move(name, "failed", "new"));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw error;
  }
}
