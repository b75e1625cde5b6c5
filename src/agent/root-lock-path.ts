import path from "node:path";

/**
 * `var/root.event_handler.lock` (SPEC §1, §4), for readers that must not pull
 * in the whole agent to learn where it is (the CLI's `list` and `test`).
 * Same path as `rootLockFile(config)` in agent.ts.
 */
export function rootLockPath(varDir: string): string {
  return path.join(varDir, "root.event_handler.lock");
}
