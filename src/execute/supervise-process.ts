import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { Invocation } from "./build-invocation.js";
import { clampDelay } from "./clamp-delay.js";
import { spawnTarget } from "./enter-as-user.js";
import { OutputTail } from "./output-tail.js";
import { HandlerSession, terminateSession } from "./process-session.js";

/**
 * How long the pipes may stay open once the session is gone. Only a process
 * that escaped the session (setsid) can still hold them; its output is not
 * waited for.
 */
const DRAIN_MS = 1000;

export interface SuperviseOptions {
  /** The working directory, already checked; entered as the handler's user (enter-as-user.ts). */
  readonly cwd: string;
  /** Bytes for stdin, already encoded; undefined gives the handler no stdin. */
  readonly stdin: Uint8Array | undefined;
  /** 0 = none. */
  readonly timeoutMs: number;
  /** Between SIGTERM and SIGKILL. */
  readonly killAfterMs: number;
  /** Aborting it terminates the run (agent shutdown). */
  readonly signal: AbortSignal;
  /**
   * Called once the process exists, with its pid and start time (its
   * identity: see process-session.ts): a launcher reports them to the agent,
   * which can then stop the session should the launcher die.
   */
  readonly onStart?: (pid: number, leaderStart: string | undefined) => void;
}

/** What a run starts: the part of an {@link Invocation} the process itself is made of. */
export type ProgramToRun = Pick<Invocation, "file" | "args" | "env" | "uid" | "gid">;

/** What happened to the process, before it is judged as an outcome. */
export interface ProcessEnd {
  /** The errno name when the program could not be started (ENOENT, EACCES, E2BIG, ...). */
  readonly spawnError: string | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why evh stopped it, if it did. */
  readonly stoppedFor: "timeout" | "canceled" | undefined;
  /** From start to the main process's exit. */
  readonly durationMs: number;
  readonly stdout: OutputTail;
  readonly stderr: OutputTail;
}

/**
 * Runs an invocation as the leader of a new session and supervises it:
 * deadline and cancel terminate the whole session, members left behind after the
 * main process exits are terminated too, and output is kept as bounded tails.
 * Never throws for anything the program does.
 */
export async function superviseProcess(
  inv: ProgramToRun,
  opts: SuperviseOptions,
): Promise<ProcessEnd> {
  const stdout = new OutputTail();
  const stderr = new OutputTail();
  const startedAt = performance.now();
  // node:child_process directly, not execa: the benchmark (docs/performance.md)
  // measured execa's per-call machinery at twice the CPU of the spawn itself,
  // and this path needs none of it: no shell, no buffering, no transforms.
  const started = await startProcess(inv, opts);
  if ("spawnError" in started) {
    return {
      spawnError: started.spawnError,
      exitCode: null,
      signal: null,
      stoppedFor: undefined,
      durationMs: performance.now() - startedAt,
      stdout,
      stderr,
    };
  }
  const { subprocess, session } = started;
  subprocess.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  subprocess.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));

  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    subprocess.once("exit", (code, signal) => resolve([code, signal])),
  );
  let stoppedFor: ProcessEnd["stoppedFor"];
  let termination: Promise<void> | undefined;
  const terminate = () => {
    termination ??= terminateSession(session, opts.killAfterMs);
    return termination;
  };
  const stop = (reason: "timeout" | "canceled") => {
    stoppedFor ??= reason;
    void terminate();
  };
  const timer =
    opts.timeoutMs > 0 ? setTimeout(() => stop("timeout"), clampDelay(opts.timeoutMs)) : undefined;
  const onAbort = () => stop("canceled");
  opts.signal.addEventListener("abort", onAbort, { once: true });
  if (opts.signal.aborted) onAbort();

  const [exitCode, signal] = await exit;
  const durationMs = performance.now() - startedAt;
  clearTimeout(timer);
  opts.signal.removeEventListener("abort", onAbort);
  // Whatever the main process left in its session gets the same SIGTERM/SIGKILL
  // (SPEC §4); after a timeout or cancel, the termination under way covers it.
  await terminate();
  await drain([subprocess.stdout, subprocess.stderr]);
  return { spawnError: undefined, exitCode, signal, stoppedFor, durationMs, stdout, stderr };
}

/**
 * Starts the process as the leader of a new session (`detached`: libuv calls setsid), with
 * a clean environment and piped output. A program that cannot start (ENOENT,
 * EACCES, E2BIG) is reported by its errno name: spawn() throws some of these
 * at once and emits the others as an `error` event before any `exit`.
 */
async function startProcess(
  inv: ProgramToRun,
  opts: SuperviseOptions,
): Promise<{ subprocess: ChildProcess; session: HandlerSession } | { spawnError: string }> {
  let subprocess: ChildProcess;
  const target = spawnTarget(inv.file, inv.args, opts.cwd, inv.uid !== undefined);
  try {
    subprocess = spawn(target.file, target.args, {
      env: inv.env,
      cwd: target.cwd,
      uid: inv.uid,
      gid: inv.gid,
      detached: true,
      stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
  } catch (error) {
    return { spawnError: errnoName(error) };
  }
  const pid = subprocess.pid;
  if (pid === undefined) {
    // The `error` event follows on the next tick; its code is the reason.
    const [error] = await once(subprocess, "error");
    return { spawnError: errnoName(error) };
  }
  // Read now, while the leader is an unreaped child of ours: its start time tells it apart later.
  const session = new HandlerSession(pid);
  opts.onStart?.(pid, session.leaderStart);
  subprocess.on("error", () => undefined);
  if (opts.stdin !== undefined && subprocess.stdin) {
    // A handler that does not read its JSON, or closes stdin early (EPIPE), is fine.
    subprocess.stdin.on("error", () => undefined);
    subprocess.stdin.end(opts.stdin);
  }
  return { subprocess, session };
}

function errnoName(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : "EUNKNOWN";
}

/** Waits for the pipes to reach EOF, then closes any still held by an escaped process. */
async function drain(streams: readonly (Readable | null)[]): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null && !s.closed);
  if (open.length === 0) return;
  const timer = new AbortController();
  await Promise.race([
    Promise.allSettled(open.map((s) => finished(s))),
    sleep(DRAIN_MS, undefined, { signal: timer.signal }).catch(() => undefined),
  ]);
  timer.abort();
  for (const s of open) if (!s.closed) s.destroy();
}
