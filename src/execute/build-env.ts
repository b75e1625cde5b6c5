import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import type { SystemUser } from "./system-users.js";

/**
 * The PATH every handler starts with (SPEC §4). Fixed rather than inherited:
 * the agent's own environment (a sudo session, a systemd unit) must not leak
 * into handlers or change which programs they find.
 */
export const BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** What a run knows besides the handler and the event. */
export interface EnvInput {
  /** The account the handler runs as. */
  readonly user: SystemUser;
  /** 1 on the first run. */
  readonly attempt: number;
  /** Absolute path of the event file (in `spool/cur/` while it runs). */
  readonly eventFile: string;
  /** Absolute path of the `NAME=value` params file. */
  readonly paramsFile: string;
  /** The IDN `<NAME>_ASCII` variables computed for the event. */
  readonly extraVars: Readonly<Record<string, string>>;
}

/** The `EVH_*` variables of one run, in the order SPEC §4 lists them. */
export function evhVars(
  handler: Handler,
  event: EvhEvent,
  input: EnvInput,
): Record<string, string> {
  return {
    EVH_EVENT: event.event,
    EVH_EVENT_ID: event.eventId,
    EVH_EVENT_FILE: input.eventFile,
    EVH_HANDLER_ID: handler.id,
    EVH_OCCURRED_AT: event.occurredAt,
    EVH_ATTEMPT: String(input.attempt),
    EVH_PARAMS_FILE: input.paramsFile,
  };
}

/**
 * The complete environment of a handler, layered per SPEC §4 (a later layer
 * wins): clean base, event params, IDN `_ASCII` vars, `EVH_*`, handler `env`.
 * Nothing comes from the agent's own environment.
 */
export function buildEnv(
  handler: Handler,
  event: EvhEvent,
  input: EnvInput,
): Record<string, string> {
  // Null prototype: a key such as `__proto__` in handler env must stay a plain variable.
  const env: Record<string, string> = Object.create(null);
  const layers: Readonly<Record<string, string>>[] = [
    {
      PATH: BASE_PATH,
      HOME: input.user.home,
      USER: input.user.name,
      LOGNAME: input.user.name,
      SHELL: input.user.shell,
      LANG: "C.UTF-8",
    },
    event.params,
    input.extraVars,
    evhVars(handler, event, input),
    handler.env,
  ];
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) env[name] = value;
  }
  return env;
}
