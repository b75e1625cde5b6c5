import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import { substitutePlaceholders } from "../handlers/placeholders.js";
import { buildEnv, type EnvInput, evhVars } from "./build-env.js";

/** Everything needed to start one handler run: what `evh test` shows and the runner spawns. */
export interface Invocation {
  /** The program: argv[0] after substitution, or `/bin/sh` with `shell: true`. */
  readonly file: string;
  readonly args: string[];
  /** The whole environment; the agent's own is not added. */
  readonly env: Record<string, string>;
  /**
   * The preferred working directory: the handler's `cwd`, else the user's
   * home. Whether it exists is decided at run time (see `resolveWorkingDir`).
   */
  readonly cwd: string;
  /** Set only when the handler runs as another uid than the agent's. */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  readonly shell: boolean;
  /** The event as JSON for `stdin: json`, not yet encoded. */
  readonly stdinJson: string | undefined;
}

export interface InvocationInput extends EnvInput {
  /** The agent's own uid: no switch is asked for when the target is the same. */
  readonly agentUid: number;
}

/** The shell used by `shell: true`. */
export const SHELL_FILE = "/bin/sh";

/**
 * Turns (handler, event) into argv, env, user and cwd. Pure: no disk, no
 * process state, so `evh test` shows exactly what the agent would run.
 */
export function buildInvocation(
  handler: Handler,
  event: EvhEvent,
  input: InvocationInput,
): Invocation {
  const switchUser = input.user.uid !== input.agentUid;
  return {
    ...commandLine(handler, event, input),
    env: buildEnv(handler, event, input),
    cwd: handler.cwd ?? input.user.home,
    uid: switchUser ? input.user.uid : undefined,
    gid: switchUser ? input.user.gid : undefined,
    shell: handler.shell,
    stdinJson: handler.stdin === "json" ? eventJson(event) : undefined,
  };
}

function commandLine(
  handler: Handler,
  event: EvhEvent,
  input: EnvInput,
): { file: string; args: string[] } {
  // With a shell nothing is substituted: values reach the script only through the environment.
  if (handler.shell) return { file: SHELL_FILE, args: ["-c", handler.argv.join(" ")] };
  // Substitution happens per argv item after splitting, so a value is data
  // inside its one item whatever characters it holds: no shell ever sees it.
  const values = { ...event.params, ...input.extraVars, ...evhVars(handler, event, input) };
  const [file = "", ...args] = handler.argv.map((item) => substitutePlaceholders(item, values));
  return { file, args };
}

/** The `stdin: json` document; absent optional fields are `null` so the shape is fixed. */
export function eventJson(event: EvhEvent): string {
  return JSON.stringify({
    event: event.event,
    id: event.id ?? null,
    event_id: event.eventId,
    occurred_at: event.occurredAt,
    key: event.key ?? null,
    params: { ...event.params },
  });
}
