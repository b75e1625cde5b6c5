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

/** Another agent holds the instance lock of this root. */
export class AgentRunningError extends EvhError {
  readonly code = "AGENT_RUNNING";

  constructor(
    readonly pid: number,
    readonly lockFile: string,
  ) {
    super(`another evh agent (pid ${pid}) is running on this root; lock file ${lockFile}`);
  }
}

/** A handler id that `evh update/delete` cannot find, or `create` finds taken. */
export class HandlerNotFoundError extends EvhError {
  readonly code = "HANDLER_NOT_FOUND";
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

/** Plesk's `event_handler` utility is missing, failed, or printed what evh cannot read. */
export class PleskCliError extends EvhError {
  readonly code = "PLESK_CLI";
}
