import path from "node:path";
import { errnoCode, toError } from "../errors/evh-error.js";
import type { EvhEvent } from "../events/event.js";
import type { Handler } from "../handlers/handler.js";
import { CANCELED, type Outcome, type RunRecord } from "../record/outcome.js";
import type { Redactor } from "../record/redact.js";
import type { SystemUser } from "../system/system-users.js";
import { buildInvocation } from "./build-invocation.js";
import { encodeText } from "./charset.js";
import { formatParamsFile } from "./format-params-file.js";
import { judgeRun } from "./judge-run.js";
import { decodeOutput } from "./output-tail.js";
import { type ParamsFile, writeParamsFile } from "./params-file.js";
import { pause } from "./pause.js";
import { rootLockRefusal } from "./root-lock.js";
import { type ProcessStarter, startHere } from "./start-request.js";
import { resolveWorkingDir } from "./working-dir.js";

/** What one run needs from the agent besides the handler and the event. */
export interface RunContext {
  /** 1 on the first run; `EVH_ATTEMPT`. */
  readonly attempt: number;
  /** Absolute path of the event file; `EVH_EVENT_FILE`. */
  readonly eventFile: string;
  /** The account the agent runs as: the default `user`. */
  readonly agentUser: SystemUser;
  /** `var/root.event_handler.lock`. */
  readonly rootLockFile: string;
  /** The IDN `<NAME>_ASCII` variables. */
  readonly extraVars: Readonly<Record<string, string>>;
  readonly redactor: Redactor;
  /** The agent's shutdown: aborting it terminates the run, whose error is then `canceled`. */
  readonly signal: AbortSignal;
  /** Between SIGTERM and SIGKILL. @defaultValue 5000 */
  readonly killAfterMs?: number;
  /**
   * How long a run that cannot start for lack of resources (EMFILE, EAGAIN,
   * ...) keeps trying before it counts as failed. @defaultValue 60000
   */
  readonly resourceWaitMs?: number;
  /**
   * What starts the process: the agent's launchers, so that its own thread
   * never forks (src/launcher/). @defaultValue {@link startHere}, in this process
   */
  readonly start?: ProcessStarter;
}

/**
 * errno codes that say the system is short of something for a moment (file
 * descriptors, processes, memory, disk), not that the handler is broken.
 */
const STARVED = new Set(["EMFILE", "ENFILE", "EAGAIN", "ENOMEM", "ENOSPC"]);

/**
 * One try at starting and running: the record, the errno when it could not
 * start for lack of resources, and whether its launcher was lost under it.
 */
interface Try {
  readonly record: RunRecord;
  readonly starvedBy: string | undefined;
  readonly lost?: boolean;
}

/**
 * Runs one attempt of a handler for an event and returns its record. Every
 * path returns a record, whatever the handler does: a program that cannot
 * start, dies, hangs or floods its output is an outcome, not an exception.
 *
 * A run that cannot start because the system is short of file descriptors,
 * processes or memory is not the handler's failure: it is tried again after
 * a pause (100 ms, doubling up to 5 s) for up to `resourceWaitMs`, within
 * the same attempt; only then does it count as failed.
 *
 * A run whose launcher died under it was in flight: its session has been
 * stopped, and it is run once more within the same attempt (SPEC §5: only
 * runs in flight at a crash may repeat). Lost a second time, it fails.
 */
export async function runHandler(
  handler: Handler,
  event: EvhEvent,
  ctx: RunContext,
): Promise<RunRecord> {
  const giveUpAt = performance.now() + (ctx.resourceWaitMs ?? 60_000);
  let repeated = false;
  for (let wait = 100; ; ) {
    const { record, starvedBy, lost } = await tryRun(handler, event, ctx);
    if (lost && !repeated && !ctx.signal.aborted) {
      repeated = true;
      continue;
    }
    if (starvedBy === undefined || performance.now() + wait > giveUpAt) return record;
    if (!(await pause(wait, ctx.signal))) return { ...record, error: CANCELED, canceled: true };
    wait = Math.min(wait * 2, 5000);
  }
}

async function tryRun(handler: Handler, event: EvhEvent, ctx: RunContext): Promise<Try> {
  const user = handler.user ?? ctx.agentUser;
  const notRun = (outcome: Outcome, error: string, starvedBy?: string, canceled = false): Try => ({
    record: {
      handler: handler.id,
      attempt: ctx.attempt,
      outcome,
      exitCode: null,
      signal: null,
      durationMs: 0,
      stdout: "",
      stderr: "",
      error,
      timedOut: false,
      canceled,
    },
    starvedBy,
  });
  if (ctx.signal.aborted) return notRun("failed", CANCELED, undefined, true);

  const switchUser = user.uid !== ctx.agentUser.uid;
  let paramsFile: ParamsFile;
  try {
    const content = formatParamsFile(event.params, handler.encoding);
    // The root lock file is `var/root.event_handler.lock`: its directory is the agent's var/.
    const varDir = path.dirname(ctx.rootLockFile);
    paramsFile = writeParamsFile(content, switchUser ? user : undefined, varDir);
  } catch (error) {
    // A full file system (ENOSPC, EDQUOT) is not waited out: it fails the run
    // at once with the reason (SPEC §4), rather than stalling the queue.
    const code = errnoCode(error);
    const starved = code !== undefined && STARVED.has(code) && code !== "ENOSPC" ? code : undefined;
    return notRun("failed", `cannot write the params file: ${toError(error).message}`, starved);
  }
  try {
    const inv = buildInvocation(handler, event, {
      user,
      attempt: ctx.attempt,
      eventFile: ctx.eventFile,
      paramsFile: paramsFile.path,
      extraVars: ctx.extraVars,
      agentUid: ctx.agentUser.uid,
    });
    // Checked at every run, with nothing but synchronous work between here and
    // the start: creating or removing the lock takes effect without a restart.
    // Before the cwd check: a deliberate lock is `refused`, never a failure.
    const refusal = rootLockRefusal(ctx.rootLockFile, user.uid);
    if (refusal !== undefined) return notRun("refused", refusal);
    const where = resolveWorkingDir(inv.cwd, handler.cwd !== undefined, user, ctx.agentUser.uid);
    if ("error" in where) return notRun("failed", where.error);

    const stdin =
      inv.stdinJson === undefined ? undefined : encodeText(inv.stdinJson, handler.encoding);
    // The starter checks the root lock again, with nothing asynchronous
    // between that check and the spawn.
    const result = await (ctx.start ?? startHere)(
      {
        program: inv,
        cwd: where.cwd,
        stdin,
        timeoutMs: handler.timeoutMs,
        killAfterMs: ctx.killAfterMs ?? 5000,
        rootLockFile: ctx.rootLockFile,
        runAsUid: user.uid,
      },
      ctx.signal,
    );
    if (result.kind === "refused") return notRun("refused", result.reason);
    if (result.kind === "lost") {
      return {
        ...notRun("failed", `its launcher ended during the run: ${result.reason}`),
        lost: true,
      };
    }
    const { end } = result;
    const secrets = ctx.redactor.secretValues(event.params);
    const record: RunRecord = {
      handler: handler.id,
      attempt: ctx.attempt,
      ...judgeRun(end, inv.file, handler.timeoutMs),
      exitCode: end.exitCode,
      signal: end.signal,
      durationMs: Math.round(end.durationMs),
      stdout: decodeOutput(end.stdout, handler.encoding, secrets),
      stderr: decodeOutput(end.stderr, handler.encoding, secrets),
    };
    const starved = end.spawnError !== undefined && STARVED.has(end.spawnError);
    return { record, starvedBy: starved ? end.spawnError : undefined };
  } finally {
    paramsFile.remove();
  }
}
