import { hasFdHeadroom } from "./fd-headroom.js";
import { OutputTail } from "./output-tail.js";
import { rootLockRefusal } from "./root-lock.js";
import { type ProcessEnd, type ProgramToRun, superviseProcess } from "./supervise-process.js";

/**
 * One run, as it is handed to whatever starts processes: this process
 * ({@link startHere}) or a launcher (src/launcher/). Plain data, so that it
 * can cross a pipe.
 */
export interface StartRequest {
  readonly program: ProgramToRun;
  /** The working directory, already checked (resolveWorkingDir). */
  readonly cwd: string;
  /** Bytes for stdin, already encoded; undefined gives the handler no stdin. */
  readonly stdin: Uint8Array | undefined;
  /** 0 = none. */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  readonly killAfterMs: number;
  /** `var/root.event_handler.lock`: checked again right before the start. */
  readonly rootLockFile: string;
  /** The uid the run executes as, for the root lock. */
  readonly runAsUid: number;
}

/** How a start request ended. */
export type StartResult =
  | { readonly kind: "ended"; readonly end: ProcessEnd }
  /** The root lock appeared after the agent's own check. */
  | { readonly kind: "refused"; readonly reason: string }
  /**
   * The launcher running it died or was stopped for misbehaving: the run's
   * session was stopped, and whether the program ran, and how far, is not
   * known. The caller may repeat it (once: SPEC §5's "in flight").
   */
  | { readonly kind: "lost"; readonly reason: string };

/** Starts and supervises a run; aborting `signal` terminates it (its result is then `canceled`). */
export type ProcessStarter = (req: StartRequest, signal: AbortSignal) => Promise<StartResult>;

/**
 * Starts the run in this process. The root lock and the descriptor
 * headroom are checked with nothing asynchronous between the checks and
 * the spawn: a lock created a moment earlier refuses the run.
 *
 * `onStart` hears the pid and start time of the process once it exists.
 */
export async function startHere(
  req: StartRequest,
  signal: AbortSignal,
  onStart?: (pid: number, leaderStart: string | undefined) => void,
): Promise<StartResult> {
  const refusal = rootLockRefusal(req.rootLockFile, req.runAsUid);
  if (refusal !== undefined) return { kind: "refused", reason: refusal };
  if (!hasFdHeadroom()) return { kind: "ended", end: notStarted("EMFILE") };
  const end = await superviseProcess(req.program, {
    cwd: req.cwd,
    stdin: req.stdin,
    timeoutMs: req.timeoutMs,
    killAfterMs: req.killAfterMs,
    signal,
    onStart,
  });
  return { kind: "ended", end };
}

/** The end of a run that could not start for `errno`. */
export function notStarted(errno: string): ProcessEnd {
  return {
    spawnError: errno,
    exitCode: null,
    signal: null,
    stoppedFor: undefined,
    durationMs: 0,
    stdout: new OutputTail(),
    stderr: new OutputTail(),
  };
}
