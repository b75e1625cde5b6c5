import type { EvhConfig } from "../config/config.js";
import { rootLockPath } from "../execute/root-lock.js";
import { HandlerStore, type ReloadReport } from "../handlers/handler-store.js";
import type { FileState } from "../handlers/load-handlers.js";
import type { Registry } from "../handlers/registry.js";
import { currentUser, type SystemUser } from "../system/system-users.js";

/** handlers.d/ as the agent would load it right now. */
export interface LoadedHandlers {
  /** The account this command runs as, standing in for the agent's. */
  readonly agentUser: SystemUser;
  readonly registry: Registry;
  readonly report: ReloadReport;
  /** Per file, in load order. */
  readonly files: ReadonlyMap<string, FileState>;
  /** `var/root.event_handler.lock`. */
  readonly rootLockFile: string;
}

/**
 * Loads handlers.d/ through the agent's own HandlerStore, with the same
 * context (this process's user, the root as base directory for relative
 * paths, the root-ownership rules when root), so `list`, `validate`, `test`
 * and the editing commands see exactly what a starting agent would.
 */
export function loadHandlers(config: EvhConfig): LoadedHandlers {
  const agentUser = currentUser();
  const store = new HandlerStore(config.handlersDir, agentUser, {
    baseDir: config.root,
    redactFragments: config.redact,
  });
  const report = store.reload();
  return {
    agentUser,
    registry: store.current(),
    report,
    files: store.fileStates(),
    rootLockFile: rootLockPath(config.varDir),
  };
}
