import type { SystemUser } from "../system/system-users.js";

/** What the catalogue says about an event id (SPEC §7). */
export interface EventLookup {
  readonly known: boolean;
  /** A close catalogue id, for "did you mean". */
  readonly suggestion?: string;
}

/**
 * Everything the pure parser needs to know about the system, injected so that
 * parsing touches no disk and no user database (the loader supplies the real
 * lookups; tests supply tables).
 */
export interface ParseContext {
  /** A system account by name or numeric uid. */
  lookupUser(nameOrUid: string): SystemUser | undefined;
  /** The account the agent runs as: the default user, whose home is the default cwd. */
  readonly agentUser: SystemUser;
  /** Switching user needs root (SPEC §4). */
  readonly agentIsRoot: boolean;
  /**
   * Why a program cannot run, or undefined when it can. `cwd` is where the
   * handler will start, for programs given as relative paths.
   */
  programCheck(program: string, cwd: string): string | undefined;
  /**
   * Why `user`, another account than the agent's, cannot start a program the
   * agent can (a folder on the way it may not search), or undefined. Reported
   * as a warning. @defaultValue no check
   */
  programReach?(program: string, cwd: string, user: SystemUser): string | undefined;
  /** The catalogue's verdict on an event id. */
  knownEvent(id: string): EventLookup;
  /**
   * The evh root: a relative `cwd`, and a relative program path (one with a
   * `/`), are resolved against it at load time, so a handler means the same
   * thing whoever it runs as. @defaultValue none: relative paths are errors
   */
  readonly baseDir?: string;
  /**
   * `redact:` from evh.yaml: name fragments of secret params besides the
   * built-in ones (SPEC §8), for the warning about secrets in argv.
   * @defaultValue none
   */
  readonly redactFragments?: readonly string[];
  /**
   * Why a webhook's `secret_file` cannot be used (owner, mode, content), or
   * undefined. @defaultValue no check
   */
  secretFileCheck?(file: string): string | undefined;
  /** Why a webhook's `ca_file` cannot be read, or undefined. @defaultValue no check */
  caFileCheck?(file: string): string | undefined;
}
