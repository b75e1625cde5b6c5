/**
 * One error class per failure kind, each with a stable `code`. Callers branch
 * on the class or the code, never on message text.
 */
export abstract class EvhError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An event file that cannot be read, decoded or validated: permanent, goes to failed/. */
export class EventDecodeError extends EvhError {
  readonly code = "EVENT_DECODE";
  /**
   * Whether the file may still be being written (a producer that skipped
   * tmp/): then it is parsed once more after the settle delay before it is
   * refused. False for what no further writing can make an event file.
   */
  readonly mayBeIncomplete: boolean = true;

  /**
   * @param reason one line for people and the sidecar's `reason`
   * @param detail more context (may be empty), the sidecar's `detail`
   */
  constructor(
    readonly reason: string,
    readonly detail = "",
    options?: { cause?: unknown },
  ) {
    super(detail ? `${reason}: ${detail}` : reason, options);
  }
}

/**
 * A spool entry refused unread (SPEC §2): a symlink, directory, FIFO, socket
 * or device. Permanent at once: looking again after the settle delay cannot
 * make it an event file (a hard-linked file can: its other name may go).
 */
export class EntryRefusedError extends EventDecodeError {
  override readonly mayBeIncomplete: boolean = false;
}

/** A handler file or document that is invalid. */
export class HandlerInvalidError extends EvhError {
  readonly code = "HANDLER_INVALID";
}

/** evh.yaml or a flag with a bad value. */
export class ConfigError extends EvhError {
  readonly code = "CONFIG_INVALID";
}

/** Bad command-line usage: exit status 2. */
export class UsageError extends EvhError {
  readonly code = "USAGE";
}

/**
 * A folder or config file the user running evh cannot trust (SPEC §1: a
 * root is trusted only as far as its owner): a symlink, owned by another
 * user, or writable by others. Nothing is done inside it or with it.
 */
export class UntrustedPathError extends EvhError {
  readonly code = "UNTRUSTED_PATH";

  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`refusing ${path}: ${why}`);
  }
}

/** Another agent holds the instance lock of this spool (SPEC §5). */
export class AgentRunningError extends EvhError {
  readonly code = "AGENT_RUNNING";

  constructor(
    readonly pid: number,
    readonly lock: string,
  ) {
    super(`another evh agent (pid ${pid}) is running on this spool (instance lock ${lock})`);
  }
}

/**
 * The instance lock's name is held by a process that does not answer as an
 * evh agent: any local user can bind an abstract socket name.
 */
export class LockHeldError extends EvhError {
  readonly code = "LOCK_HELD";

  constructor(readonly lock: string) {
    super(
      `the instance lock ${lock} of this spool is held by a process that is not an evh agent; find it with: ss -xlp | grep '${lock}'`,
    );
  }
}

/** A handler id that `evh update/delete` cannot find, or `create` finds taken. */
export class HandlerNotFoundError extends EvhError {
  readonly code = "HANDLER_NOT_FOUND";
}

/**
 * A create that would add a second handler with the same event, user and
 * command. The native `evh create` fails with it; the Plesk syntax reports
 * the existing handler and succeeds (SPEC §6).
 */
export class DuplicateHandlerError extends EvhError {
  readonly code = "HANDLER_DUPLICATE";

  constructor(
    message: string,
    /** The handler that already does it. */
    readonly existing: { readonly id: string; readonly file: string; readonly line: number },
  ) {
    super(message);
  }
}

/** Normalise whatever was thrown into an Error at a catch boundary. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : JSON.stringify(thrown));
}

/** The `code` of a Node.js system error (ENOENT, EMFILE, ...), if any. */
export function errnoCode(thrown: unknown): string | undefined {
  if (thrown && typeof thrown === "object" && "code" in thrown) {
    const code = (thrown as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

/** The spool could not take an event (disk full, permissions, no such root): the event is not queued. */
export class SpoolWriteError extends EvhError {
  readonly code = "SPOOL_WRITE";
}

/** A glob in a handler's `when` or a CLI filter that cannot be compiled; the message says what is wrong. */
export class GlobSyntaxError extends EvhError {
  readonly code = "GLOB_SYNTAX";
}

/**
 * A spool move the state machine does not allow (spool-states.ts): a bug in
 * evh, never bad input, so nothing catches it on purpose.
 */
export class SpoolTransitionError extends EvhError {
  readonly code = "SPOOL_TRANSITION";
}

/** Plesk's `event_handler` utility is missing, failed, or printed what evh cannot read. */
export class PleskCliError extends EvhError {
  readonly code = "PLESK_CLI";
}
