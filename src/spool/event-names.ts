import { isSidecar } from "./sidecar.js";
import type { SpoolState } from "./spool-states.js";

/**
 * The one rule for "is this an event" in a spool folder, shared by the
 * agent's intake, `status`, `queue`, `retry` and `purge`: not hidden (a
 * leading `.`: `.gitkeep`, producers' temp names, the agent's sidecar temps,
 * which Maildir readers leave alone too), and in failed/ not a sidecar.
 */
export function isEventName(state: SpoolState, name: string): boolean {
  if (name.startsWith(".")) return false;
  if (state !== "failed") return true;
  return !isSidecar(name);
}
