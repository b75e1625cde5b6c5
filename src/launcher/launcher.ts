import { type ChildProcess, spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { HandlerSession, terminateSession } from "../execute/process-session.js";
import type { StartRequest, StartResult } from "../execute/start-request.js";
import {
  type LauncherMessage,
  line,
  MAX_LINE,
  parseLauncherLine,
  type ToLauncher,
  toWireRequest,
} from "./protocol.js";

/**
 * The launcher's program. From src/launcher/ (tests) and from
 * dist/launcher/ alike, two levels up is the package root: the compiled one
 * always runs, as a launcher is a process of its own.
 */
export const LAUNCHER_SCRIPT = fileURLToPath(
  new URL("../../dist/launcher/main.js", import.meta.url),
);

/**
 * V8 flags every launcher runs with, whatever the agent's: a small young
 * generation and V8's memory-saving mode keep a launcher small, and each of
 * its forks copies its page tables. (The agent itself runs without
 * --optimize-for-size, which made loading 10,000 handler files ~0.4 s
 * slower, docs/performance.md.)
 */
export const LAUNCHER_HEAP_FLAGS = ["--max-semi-space-size=1", "--optimize-for-size"];

/**
 * Node flags of a launcher: the agent's own (a profiler the administrator
 * asked for, say) except its heap settings, which are the launcher's own,
 * and no debugger: a second one would fight the agent's for its port.
 */
function launcherNodeFlags(): string[] {
  const own = process.execArgv.filter(
    (flag) => !/^--(inspect|debug|max-semi-space-size|optimize-for-size)/.test(flag),
  );
  return [...own, ...LAUNCHER_HEAP_FLAGS];
}

/** A run handed to a launcher and not yet ended. */
interface Pending {
  readonly resolve: (result: StartResult) => void;
  readonly killAfterMs: number;
  readonly stopListening: () => void;
  /** Known once the launcher says "started". */
  session?: HandlerSession;
}

export interface LauncherOptions {
  /**
   * A launcher that has runs and answers no ping for this long is taken for
   * hung. @defaultValue 10000
   */
  readonly hangMs?: number;
  /** The program; a test may give another. @defaultValue {@link LAUNCHER_SCRIPT} */
  readonly script?: string;
}

/**
 * The agent's side of one launcher process (main.ts): sends it runs,
 * matches its answers to them, and watches it. A launcher that dies, sends
 * something that is not a well-formed answer, or answers no ping for
 * `hangMs` while it holds runs is *lost*: it is killed, the sessions of the
 * runs it had started are terminated from here (their pids and start times
 * came with "started"), and every run it held ends as `lost` for the caller
 * to repeat. `onLost` then hears why, once.
 */
export class Launcher {
  private readonly child: ChildProcess;
  private readonly runs = new Map<number, Pending>();
  private nextId = 1;
  private received = "";
  /** A character cut between two chunks is kept for the next. */
  private readonly decoder = new StringDecoder("utf8");
  /** Why it was lost; undefined while it is not. */
  private lossReason: string | undefined;
  private closing = false;
  private readonly exited: Promise<void>;
  private readonly hangMs: number;
  private pingSentAt: number | undefined;
  private pings = 0;
  private watchdog: NodeJS.Timeout | undefined;
  /**
   * Settles when the launcher says it is ready (its modules loaded: the
   * first runs do not wait for a Node start), or when it is lost.
   */
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(
    private readonly onLost: (launcher: Launcher, reason: string, runs: number) => void,
    options: LauncherOptions = {},
  ) {
    this.hangMs = options.hangMs ?? 10_000;
    this.ready = new Promise((resolve) => {
      this.markReady = resolve;
    });
    // Detached: a terminal's ^C goes to the agent alone, which then stops the runs through here.
    // Its own environment is empty: each run brings the whole environment it gets (SPEC §4).
    this.child = spawn(
      process.execPath,
      [...launcherNodeFlags(), options.script ?? LAUNCHER_SCRIPT],
      {
        stdio: ["pipe", "pipe", "inherit"],
        detached: true,
        env: {},
      },
    );
    this.exited = new Promise((resolve) => this.child.once("close", () => resolve()));
    this.child.once("error", (error) => void this.lose(`could not start: ${error.message}`));
    this.child.once("close", (code, signal) => {
      if (!this.closing)
        void this.lose(signal ? `was killed by ${signal}` : `exited with status ${code}`);
    });
    this.child.stdin?.on("error", () => undefined);
    this.child.stdout?.on("data", (chunk: Buffer) => this.read(chunk));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Runs it holds now: the pool gives new runs to the least busy launcher. */
  get load(): number {
    return this.runs.size;
  }

  /** The session ids (leader pids) of its runs that have started and not ended. */
  get sessions(): number[] {
    return [...this.runs.values()].flatMap((run) => (run.session ? [run.session.sid] : []));
  }

  get usable(): boolean {
    return this.lossReason === undefined && !this.closing;
  }

  /** Hands a run to the launcher; aborting `signal` asks it to terminate the run. */
  start(req: StartRequest, signal: AbortSignal): Promise<StartResult> {
    // Handed over after it was lost or closed (a run that waited for it, say): nothing would
    // ever answer, so the run ends as lost now, and is repeated elsewhere.
    if (!this.usable) {
      return Promise.resolve({
        kind: "lost",
        reason: `its launcher ${this.lossReason ?? "stopped"}`,
      });
    }
    const id = this.nextId++;
    return new Promise<StartResult>((resolve) => {
      const cancel = () => this.send({ t: "cancel", id });
      signal.addEventListener("abort", cancel, { once: true });
      this.runs.set(id, {
        resolve,
        killAfterMs: req.killAfterMs,
        stopListening: () => signal.removeEventListener("abort", cancel),
      });
      this.send({ t: "run", id, req: toWireRequest(req) });
      if (signal.aborted) cancel();
      this.watch();
    });
  }

  /**
   * Lets the launcher finish: no more runs are sent, its stdin is closed, and
   * it exits once its runs have ended (it terminates them itself if they are
   * still going). Killed if it has not exited after `deadlineMs`.
   */
  async close(deadlineMs: number): Promise<void> {
    this.closing = true;
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), deadlineMs);
    await this.exited;
    clearTimeout(timer);
    this.stopWatching();
    // Runs a launcher could not report on before it went: their sessions are stopped here.
    await this.abandonRuns("the agent stopped");
  }

  private send(message: ToLauncher): void {
    if (this.lossReason === undefined && this.child.stdin?.writable)
      this.child.stdin.write(line(message));
  }

  private read(chunk: Buffer): void {
    this.received += this.decoder.write(chunk);
    for (let end = this.received.indexOf("\n"); end !== -1; end = this.received.indexOf("\n")) {
      const text = this.received.slice(0, end);
      this.received = this.received.slice(end + 1);
      const message = parseLauncherLine(text);
      if (typeof message === "string")
        return void this.lose(`sent a malformed answer (${message})`);
      const problem = this.take(message);
      if (problem !== undefined) return void this.lose(problem);
    }
    if (this.received.length > MAX_LINE)
      void this.lose(`sent a line longer than ${MAX_LINE} bytes`);
  }

  /** Acts on an answer; a string when it makes no sense (a run it does not hold). */
  private take(message: LauncherMessage): string | undefined {
    this.pingSentAt = undefined;
    if (message.t === "pong") return undefined;
    if (message.t === "ready") {
      this.markReady();
      return undefined;
    }
    const run = this.runs.get(message.id);
    if (run === undefined) return `answered for run ${message.id}, which it does not hold`;
    if (message.t === "started") {
      if (run.session !== undefined) return `said run ${message.id} started twice`;
      run.session = new HandlerSession(message.pid, message.leaderStart);
      return undefined;
    }
    this.runs.delete(message.id);
    run.stopListening();
    run.resolve(message.result);
    if (this.runs.size === 0) this.stopWatching();
    return undefined;
  }

  /** Kills the launcher and ends every run it held as lost; once. */
  private async lose(reason: string): Promise<void> {
    if (this.lossReason !== undefined) return;
    this.lossReason = reason;
    this.markReady();
    this.stopWatching();
    this.child.kill("SIGKILL");
    const held = this.runs.size;
    this.onLost(this, reason, held);
    await this.abandonRuns(`its launcher ${reason}`);
  }

  /** Stops the sessions of the runs still held and ends them as lost. */
  private async abandonRuns(reason: string): Promise<void> {
    const held = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(
      held.map(async (run) => {
        run.stopListening();
        if (run.session !== undefined) await terminateSession(run.session, run.killAfterMs);
        run.resolve({ kind: "lost", reason });
      }),
    );
  }

  /** Pings while runs are held: an answer of any kind shows the launcher is alive. */
  private watch(): void {
    if (this.watchdog !== undefined) return;
    this.watchdog = setInterval(
      () => {
        const now = performance.now();
        if (this.pingSentAt === undefined) {
          this.pingSentAt = now;
          this.send({ t: "ping", n: this.pings++ });
        } else if (now - this.pingSentAt >= this.hangMs) {
          void this.lose(`answered nothing for ${Math.round(this.hangMs / 1000)} s (hung)`);
        }
      },
      Math.max(10, this.hangMs / 5),
    );
    this.watchdog.unref();
  }

  private stopWatching(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.pingSentAt = undefined;
  }
}
