import type { SystemUser } from "../system/system-users.js";
import type { Diagnostic } from "./handler.js";
import { createLoadContext, type LoadContext, type LoadOptions } from "./load-context.js";
import { type FileState, loadHandlerDir } from "./load-handlers.js";
import { Registry } from "./registry.js";

/** What one reload did, for the log. */
export interface ReloadReport {
  readonly diagnostics: readonly Diagnostic[];
  /** Files that failed to load and keep their last good handlers (absolute paths). */
  readonly keptLastGood: readonly string[];
  /** Files that failed to load and had no good version: nothing of them is active. */
  readonly failed: readonly string[];
  /** Files gone since the last load, their handlers dropped. */
  readonly removed: readonly string[];
  /** The number of active handlers (enabled or not). */
  readonly handlers: number;
}

/**
 * The handlers of handlers.d/ across reloads. A file that fails to load keeps
 * the handlers of its last good version; a removed file drops its handlers;
 * other files are unaffected (SPEC §3). Each reload publishes a new immutable
 * Registry, so an event keeps the set that was current when it was claimed.
 */
export class HandlerStore {
  private readonly ctx: LoadContext;
  private files: ReadonlyMap<string, FileState> = new Map();
  private registry = Registry.empty;

  constructor(
    readonly dir: string,
    agentUser: SystemUser,
    options: LoadOptions = {},
  ) {
    this.ctx = createLoadContext(agentUser, options);
  }

  /** Re-reads the directory and publishes the resulting set. Never throws for bad files. */
  reload(): ReloadReport {
    const result = loadHandlerDir(this.dir, this.ctx, this.files);
    const removed = [...this.files.keys()].filter((file) => !result.files.has(file));
    const states = [...result.files.values()];
    this.files = result.files;
    this.registry = new Registry(result.handlers);
    return {
      diagnostics: result.diagnostics,
      keptLastGood: states.filter((s) => s.status === "retained").map((s) => s.file),
      failed: states.filter((s) => s.status === "failed").map((s) => s.file),
      removed,
      handlers: result.handlers.length,
    };
  }

  /** The current set; keep the returned object for as long as one event runs. */
  current(): Registry {
    return this.registry;
  }

  /** Per file: loaded, retained or failed, with its active handlers and diagnostics. */
  fileStates(): ReadonlyMap<string, FileState> {
    return this.files;
  }
}
