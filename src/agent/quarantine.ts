import type { EventDecodeError } from "../errors/evh-error.js";
import { sidecarName, writeSidecar } from "../spool/sidecar.js";
import type { Spool } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";

/**
 * Moves a file that cannot be an event into failed/ with a sidecar saying
 * why (SPEC §2). The sidecar is written first, under the name the file will
 * take, so a crash in between leaves the file where it is to be tried again.
 * A file that cannot be moved is removed, and the caller logs why.
 */
export async function quarantine(
  spool: Spool,
  name: string,
  from: Extract<SpoolState, "new" | "cur">,
  error: Pick<EventDecodeError, "reason" | "detail">,
): Promise<{ placed: string } | { removed: true; because: string }> {
  const target = await spool.freeName("failed", name);
  await writeSidecar(spool.path("failed", sidecarName(target)), {
    reason: error.reason,
    detail: error.detail,
    at: new Date().toISOString(),
  });
  try {
    await spool.move(name, from, "failed", target);
    return { placed: target };
  } catch (moveError) {
    await spool.remove(from, name);
    return { removed: true, because: (moveError as Error).message };
  }
}
