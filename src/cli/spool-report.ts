import { errnoCode } from "../errors/evh-error.js";
import { readEventBytes } from "../spool/read-event-bytes.js";
import { isSidecar, SIDECAR_SUFFIX } from "../spool/sidecar.js";
import type { Spool, SpoolEntry } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";

/**
 * A sidecar holds up to 4 KiB of stderr (JSON-escaped) per failed handler:
 * 1 MiB leaves room for hundreds, and bounds what status ever reads.
 */
const SIDECAR_MAX_BYTES = 1024 * 1024;

/** A quarantined event as `evh status` reports it. */
export interface FailureReport {
  /** The event file's name in failed/. */
  readonly file: string;
  readonly reason: string;
  /** ISO time from the sidecar. */
  readonly at: string;
}

/**
 * Whether a name in a spool folder is an event for counting: not hidden
 * (`.gitkeep`, producers' temp names, the agent's sidecar temps), and in
 * failed/ not a sidecar.
 */
export function isEventName(state: SpoolState, name: string): boolean {
  if (name.startsWith(".")) return false;
  if (state !== "failed") return true;
  return !isSidecar(name);
}

/** The events in a state folder, in processing order; none when the folder does not exist yet. */
export async function listEvents(spool: Spool, state: SpoolState): Promise<SpoolEntry[]> {
  try {
    return await spool.list(state, (name) => !isEventName(state, name));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}

/** The newest failures by the sidecars' `at`, newest first. */
export async function lastFailures(spool: Spool, limit: number): Promise<FailureReport[]> {
  let sidecars: SpoolEntry[];
  try {
    sidecars = await spool.list("failed", (name) => !isSidecar(name) || name.startsWith("."));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
  const reports: FailureReport[] = [];
  for (const entry of sidecars) {
    // A link, FIFO or device under a sidecar's name is a quarantined entry, not a report.
    if (entry.kind !== "file") continue;
    const file = entry.name.slice(0, -SIDECAR_SUFFIX.length);
    const fallbackAt = new Date(entry.mtimeMs).toISOString();
    try {
      // Read as the agent reads events: no link followed, no FIFO waited on, bounded.
      const { bytes } = await readEventBytes(spool.path("failed", entry.name), SIDECAR_MAX_BYTES);
      const data = JSON.parse(bytes.toString("utf8")) as { reason?: unknown; at?: unknown };
      reports.push({
        file,
        reason: typeof data.reason === "string" ? data.reason : "(no reason in the sidecar)",
        at: typeof data.at === "string" ? data.at : fallbackAt,
      });
    } catch (error) {
      if (errnoCode(error) === "ENOENT") continue;
      reports.push({ file, reason: "(the sidecar is not readable JSON)", at: fallbackAt });
    }
  }
  const time = (r: FailureReport) => Date.parse(r.at) || 0;
  return reports.sort((a, b) => time(b) - time(a)).slice(0, limit);
}
