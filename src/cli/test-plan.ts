import path from "node:path";
import type { EvhEvent } from "../events/event.js";
import { buildInvocation, type Invocation } from "../execute/build-invocation.js";
import { paramsBaseDirShown } from "../execute/params-base-dir.js";
import { rootLockRefusal } from "../execute/root-lock.js";
import { type ShownRequest, shownRequest } from "../execute/webhook/shown-request.js";
import { resolveWorkingDir } from "../execute/working-dir.js";
import { compileGlob } from "../handlers/glob.js";
import type { Handler } from "../handlers/handler.js";
import { Registry } from "../handlers/registry.js";
import { Redactor } from "../record/redact.js";
import type { SystemUser } from "../system/system-users.js";
import type { LoadedHandlers } from "./loaded-handlers.js";

/** What the agent would do with a matching handler. */
export type PlanState = "run" | "skipped" | "disabled" | "refused";

/** One handler whose `event` pattern matches, in run order. */
export interface PlannedHandler {
  readonly handler: Handler;
  readonly state: PlanState;
  /** Why it would not run, or why its run would fail (a working directory it cannot enter). */
  readonly reason: string | undefined;
  readonly user: SystemUser;
  /** argv, env and stdin with secrets shown as `***` (SPEC §8). */
  readonly invocation: Invocation;
  /** Where it would start: `cwd`, else the user's home, else `/`. */
  readonly cwd: string;
  /** A webhook handler's request, secrets masked; its invocation is then empty. */
  readonly request?: ShownRequest;
}

export interface PlanInput {
  readonly event: EvhEvent;
  /** `EVH_EVENT_FILE` as the run would see it. */
  readonly eventFile: string;
  /** The IDN `<NAME>_ASCII` variables. */
  readonly extraVars: Readonly<Record<string, string>>;
  readonly redactor: Redactor;
}

/** Shown for `EVH_PARAMS_FILE` in a dry run: each run writes its own private file in the agent's directory. */
function paramsFileShown(varDir: string): string {
  return path.join(paramsBaseDirShown(varDir), "evh-params-XXXXXX", "params-N");
}

/**
 * The dry run of `evh test`: the agent's registry decides what matches and
 * in which order, `buildInvocation` what each run gets, the runner's own
 * root-lock and working-directory checks whether it would start. Disabled
 * handlers are matched too (by a copy of the registry with them enabled) so
 * that the output can say they would have matched.
 */
export function planTest(loaded: LoadedHandlers, input: PlanInput): PlannedHandler[] {
  const disabled = new Set(
    loaded.registry
      .all()
      .filter((h) => !h.enabled)
      .map((h) => h.id),
  );
  const everything = new Registry(
    loaded.registry.all().map((h) => (h.enabled ? h : { ...h, enabled: true })),
  );
  return everything.match(input.event).map(({ handler: matched, when }): PlannedHandler => {
    const handler = disabled.has(matched.id) ? { ...matched, enabled: false } : matched;
    if (handler.webhook !== undefined)
      return plannedWebhook(handler, handler.webhook, when, loaded, input);
    const user = handler.user ?? loaded.agentUser;
    const invocation = shownInvocation(handler, user, loaded, input);
    const where = resolveWorkingDir(
      invocation.cwd,
      handler.cwd !== undefined,
      user,
      loaded.agentUser.uid,
    );
    const cwd = "cwd" in where ? where.cwd : invocation.cwd;
    const base = { handler, user, invocation, cwd };
    if (!handler.enabled) return { ...base, state: "disabled", reason: "enabled: false" };
    if (!when) {
      return { ...base, state: "skipped", reason: whenFailure(handler, input) };
    }
    const refusal = rootLockRefusal(loaded.rootLockFile, user.uid);
    if (refusal !== undefined) return { ...base, state: "refused", reason: refusal };
    const failure = "error" in where ? `would fail: ${where.error}` : undefined;
    return { ...base, state: "run", reason: failure };
  });
}

/** What a webhook handler runs: nothing. */
const NO_INVOCATION: Invocation = {
  file: "",
  args: [],
  env: {},
  cwd: "/",
  uid: undefined,
  gid: undefined,
  shell: false,
  stdinJson: undefined,
};

/**
 * A webhook handler: no process, so no user, cwd or root lock (it never
 * runs as anyone); what it would send instead.
 */
function plannedWebhook(
  handler: Handler,
  webhook: NonNullable<Handler["webhook"]>,
  when: boolean,
  loaded: LoadedHandlers,
  input: PlanInput,
): PlannedHandler {
  const base = {
    handler,
    user: loaded.agentUser,
    invocation: NO_INVOCATION,
    cwd: "/",
    request: shownRequest(webhook, handler.id, input.event, input.redactor),
  };
  if (!handler.enabled) return { ...base, state: "disabled", reason: "enabled: false" };
  if (!when) return { ...base, state: "skipped", reason: whenFailure(handler, input) };
  return { ...base, state: "run", reason: undefined };
}

/**
 * The invocation with secrets masked: secret params are replaced before
 * substitution, so a placeholder of a password shows `***` in its argv item
 * whatever its length; the environment is masked by name, which also covers
 * the handler's own `env` (an `API_TOKEN` there).
 */
function shownInvocation(
  handler: Handler,
  user: SystemUser,
  loaded: LoadedHandlers,
  input: PlanInput,
): Invocation {
  const { redactor, event } = input;
  const masked: EvhEvent = { ...event, params: redactor.maskVars(event.params) };
  const inv = buildInvocation(handler, masked, {
    user,
    attempt: 1,
    eventFile: input.eventFile,
    paramsFile: paramsFileShown(path.dirname(loaded.rootLockFile)),
    extraVars: input.extraVars,
    agentUid: loaded.agentUser.uid,
  });
  const secrets = redactor.secretValues(event.params);
  return {
    ...inv,
    file: Redactor.maskText(inv.file, secrets),
    args: inv.args.map((arg) => Redactor.maskText(arg, secrets)),
    env: redactor.maskVars(inv.env),
  };
}

/** The first `when` condition that does not hold, in words. */
function whenFailure(handler: Handler, input: PlanInput): string {
  const { params } = input.event;
  for (const condition of handler.when) {
    const value = Object.hasOwn(params, condition.param) ? params[condition.param] : undefined;
    if (value === undefined) return `when: the event has no ${condition.param}`;
    if (condition.patterns.some((p) => compileGlob(p)(value))) continue;
    const shown = input.redactor.isSecret(condition.param) ? "***" : value;
    const patterns = condition.patterns.map((p) => JSON.stringify(p)).join(" or ");
    return `when: ${condition.param}=${JSON.stringify(shown)} does not match ${patterns}`;
  }
  return "when: a condition does not hold";
}
