import path from "node:path";

/**
 * `var/root.event_handler.lock` (SPEC §1, §4): while it exists no handler
 * runs as root. The executor checks it before every root run; the CLI's
 * `list` and `test` read it without loading the agent.
 */
export function rootLockPath(varDir: string): string {
  return path.join(varDir, "root.event_handler.lock");
}
