import { EvhError } from "../errors/evh-error.js";

/**
 * A command that was understood but cannot be done (exit status 1): a taken
 * id, a duplicate handler, a file `evh update` must not rewrite. Bad usage is
 * a `UsageError` (exit status 2) instead.
 */
export class CommandError extends EvhError {
  readonly code = "COMMAND_FAILED";
}
