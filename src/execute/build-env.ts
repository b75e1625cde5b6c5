import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import { HANDLER_PATH } from "../handlers/program-path.js";
import type { SystemUser } from "../system/system-users.js";

/**
 * The PATH every handler starts with (SPEC §4). Fixed rather than inherited:
 * the agent's own environment (a sudo session, a systemd unit) must not leak
 * into handlers or change which programs they find. The very PATH the loader
 * resolved bare program names in, so both agree on what `sync.sh` means.
 */
export const BASE_PATH = HANDLER_PATH;

/**
 * Params that become environment variables: Plesk's own `OLD_*`/`NEW_*`
 * convention (SPEC §4). Every other name stays out, whatever it is: in the
 * environment a name alone can make a program run code (`LD_PRELOAD`,
 * `PYTHONWARNINGS` with `BROWSER`, `OPENSSL_CONF`, `GIT_SSH_COMMAND`,
 * proxies...), and a list of bad names is never complete. Such params still
 * reach the handler through placeholders, `stdin: json` and the params file.
 */
const ENV_PARAM = /^(?:OLD|NEW)_/;

/** Whether a param (or its IDN `_ASCII` form) is passed as an environment variable. */
export function isEnvParam(name: string): boolean {
  return ENV_PARAM.test(name);
}

/** The names of `params` kept out of the environment, in byte order (what `evh test` lists). */
export function paramsKeptOutOfEnv(params: Readonly<Record<string, string>>): string[] {
  return Object.keys(params)
    .filter((name) => !isEnvParam(name))
    .sort();
}

/** Only the entries whose names may become environment variables. */
function envParams(vars: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(vars)) if (isEnvParam(name)) kept[name] = value;
  return kept;
}

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
 * wins): clean base, `OLD_*`/`NEW_*` event params and their IDN `_ASCII`
 * vars, `EVH_*`, handler `env`.
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
    envParams(event.params),
    envParams(input.extraVars),
    evhVars(handler, event, input),
    handler.env,
  ];
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) env[name] = value;
  }
  return env;
}
