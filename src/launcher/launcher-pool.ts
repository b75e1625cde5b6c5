import { availableParallelism } from "node:os";
import type { ProcessStarter, StartResult } from "../execute/start-request.js";
import { count } from "../record/count-text.js";
import { Launcher, type LauncherOptions } from "./launcher.js";

export interface LauncherPoolOptions extends LauncherOptions {
  /** How many launchers; see {@link launcherCount}. */
  readonly size: number;
  /** Hears, in one line for the log, each launcher that was lost and is restarted. */
  readonly report: (line: string) => void;
}

/** A launcher lost within this long of the one before is restarted after a growing pause. */
const QUICK_LOSS_MS = 10_000;
const MAX_RESTART_PAUSE_MS = 5000;

/**
 * One launcher per run that can go at once, but no more than there are
 * cores: a launcher's spawn blocks its own thread for a fork, so two
 * launchers fork on two cores in parallel, while more than the cores only
 * take turns and cost memory.
 */
export function launcherCount(concurrency: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(concurrency, cores));
}

/**
 * The agent's launchers (docs/architecture.md, "Launchers"). `start` is the
 * ProcessStarter the agent's runs use: each run goes to the launcher
 * holding the fewest. A lost launcher is reported and replaced at once, or
 * after a pause growing to 5 s when launchers keep being lost (a machine
 * out of processes or memory); runs wait for it meanwhile.
 */
export class LauncherPool {
  private readonly launchers: (Launcher | undefined)[];
  private readonly waiting: ((launcher: Launcher | undefined) => void)[] = [];
  private readonly restarts = new Set<NodeJS.Timeout>();
  private closed = false;
  private lastLossAt = Number.NEGATIVE_INFINITY;
  private restartPauseMs = 0;

  constructor(private readonly options: LauncherPoolOptions) {
    this.launchers = Array.from({ length: options.size }, (_, slot) => this.launch(slot));
  }

  /** The launchers' pids now, for `evh status` and tests. */
  get pids(): number[] {
    return this.launchers.flatMap((l) => (l?.usable && l.pid !== undefined ? [l.pid] : []));
  }

  /** The sessions of the runs under way that the agent knows of (their leaders' pids). */
  get sessions(): number[] {
    return this.launchers.flatMap((l) => l?.sessions ?? []);
  }

  readonly start: ProcessStarter = async (req, signal): Promise<StartResult> => {
    const launcher =
      this.pick() ?? (await new Promise<Launcher | undefined>((r) => this.waiting.push(r)));
    if (launcher === undefined)
      return { kind: "lost", reason: "the agent stopped before it started" };
    return launcher.start(req, signal);
  };

  /**
   * Settles once every launcher has said it is ready (or was lost), or after
   * `timeoutMs`: the agent says it is ready only then, so that its first
   * events do not wait for a launcher's Node start.
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.launchers.map((l) => l?.ready)),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /**
   * Closes every launcher (see Launcher.close): call it once no run is left
   * to start; runs still held are terminated by their launchers.
   */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    for (const timer of this.restarts) clearTimeout(timer);
    for (const resolve of this.waiting.splice(0)) resolve(undefined);
    await Promise.all(this.launchers.map((l) => l?.close(deadlineMs)));
  }

  private pick(): Launcher | undefined {
    let best: Launcher | undefined;
    for (const l of this.launchers)
      if (l?.usable && (best === undefined || l.load < best.load)) best = l;
    return best;
  }

  private launch(slot: number): Launcher {
    const launcher = new Launcher(
      (lost, reason, runs) => this.lost(slot, lost, reason, runs),
      this.options,
    );
    for (const resolve of this.waiting.splice(0)) resolve(launcher);
    return launcher;
  }

  private lost(slot: number, launcher: Launcher, reason: string, runs: number): void {
    if (this.launchers[slot] === launcher) this.launchers[slot] = undefined;
    if (this.closed) return;
    const now = performance.now();
    this.restartPauseMs =
      now - this.lastLossAt < QUICK_LOSS_MS
        ? Math.min(Math.max(100, this.restartPauseMs * 2), MAX_RESTART_PAUSE_MS)
        : 0;
    this.lastLossAt = now;
    const stopped =
      runs === 0
        ? "it held no running handler"
        : `${count(runs, "running handler")} stopped, each to run once more`;
    const after = this.restartPauseMs === 0 ? "" : ` in ${this.restartPauseMs} ms`;
    this.options.report(
      `launcher ${slot + 1} (pid ${launcher.pid ?? "none"}) ${reason}: ${stopped}; restarting it${after}`,
    );
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (!this.closed) this.launchers[slot] = this.launch(slot);
    }, this.restartPauseMs);
    this.restarts.add(timer);
  }
}
