import { setMaxListeners } from "node:events";
import type { EvhConfig } from "../config/config.js";
import { type EventDecodeError, errnoCode, toError } from "../errors/evh-error.js";
import { rootLockPath } from "../execute/root-lock.js";
import { HandlerStore } from "../handlers/handler-store.js";
import { LauncherPool, launcherCount } from "../launcher/launcher-pool.js";
import { count } from "../record/count-text.js";
import { Journal } from "../record/journal.js";
import type { AgentLogger } from "../record/logger.js";
import { Redactor } from "../record/redact.js";
import { RunningBoard } from "../record/running-file.js";
import { Spool, type SpoolEntry } from "../spool/spool.js";
import { currentUser } from "../system/system-users.js";
import { ensureTrustedStateDir } from "../system/trusted-path.js";
import { claim, isGone } from "./claim.js";
import { type ClaimedEvent, eventLocks } from "./claimed-event.js";
import { CleanUp } from "./clean-up.js";
import { DecodeQueue, type ToDecode, TRANSIENT_BACKOFF_MS } from "./decode-queue.js";
import { decodeStep } from "./decode-step.js";
import { Grace } from "./grace.js";
import { acquireInstanceLock } from "./instance-lock.js";
import { Intake } from "./intake.js";
import * as logs from "./log-events.js";
import { NewAtStart } from "./new-at-start.js";
import { quarantine } from "./quarantine.js";
import { runEvent } from "./run-event.js";
import { makeRunner } from "./runner.js";
import { Scheduler } from "./scheduler.js";
import { watchHandlers } from "./watch-handlers.js";

/** Claimed-and-decoded events kept ready beyond the running ones: enough to fill free slots at once. */
const LOOKAHEAD_PER_SLOT = 4;

/**
 * The agent: one loop owns the concurrency slots; intake, handler reloads,
 * settle timers and finished events only wake it (STYLE: the loop).
 */
export class Agent {
  /** Aborted when the grace period is over: running handlers are killed. */
  private readonly abort = new AbortController();
  /** Aborted when shutdown starts: no further handler (or retry attempt) starts. */
  private readonly stopStarting = new AbortController();
  private stopping = false;
  private closing: Promise<void> | undefined;
  private readonly grace: Grace;
  private readonly scheduler: Scheduler<ClaimedEvent>;
  private readonly intake: Intake;
  private readonly queue = new DecodeQueue(() => this.wake());
  private readonly running = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private loopDone: Promise<void> | undefined;
  private stopWatchingHandlers: (() => Promise<void>) | undefined;
  private readonly runner: ReturnType<typeof makeRunner>;

  private constructor(
    readonly config: EvhConfig,
    private readonly log: AgentLogger,
    private readonly spool: Spool,
    private readonly journal: Journal,
    private readonly handlers: HandlerStore,
    private readonly cleanUp: CleanUp,
    launchers: LauncherPool,
    /** The log was opened for this agent (startAgent): close() closes it last. */
    private readonly closeLog = false,
  ) {
    // Every running handler listens on both signals: past 10 (concurrency > 10) Node warns of a leak.
    setMaxListeners(0, this.abort.signal, this.stopStarting.signal);
    this.scheduler = new Scheduler(config.concurrency, eventLocks);
    this.grace = new Grace(config.graceMs);
    this.runner = makeRunner({
      rootLockFile: rootLockPath(config.varDir),
      board: RunningBoard.inVarDir(config.varDir),
      spool,
      redactor: new Redactor(config.redact),
      signal: this.abort.signal,
      stop: this.stopStarting.signal,
      start: launchers.start,
    });
    this.intake = new Intake(
      spool,
      () => this.wake(),
      (error) => this.transient("scanning spool/new", error),
    );
  }

  /** Takes the instance lock, prepares the spool, loads handlers, resumes cur/ and starts the loop. */
  static async start(
    config: EvhConfig,
    log: AgentLogger,
    options: { closeLog?: boolean } = {},
  ): Promise<Agent> {
    const cleanUp = new CleanUp();
    cleanUp.defer(await acquireInstanceLock(config.spoolDir));
    try {
      // Checked again here for callers of the API: the journal goes there.
      ensureTrustedStateDir(config.varDir);
      // First: they start while the agent is still small (each is a fork of it), and in
      // parallel with the rest of the start-up. Closed last, once no handler runs.
      const launchers = new LauncherPool({
        size: launcherCount(config.concurrency),
        report: (line) => log.logger.warn(line),
      });
      cleanUp.defer(() => launchers.close());
      const spool = new Spool(config.spoolDir, config.producerGroup);
      for (const warning of await spool.ensure()) log.logger.warn(warning);
      await spool.removeSidecarTemps();
      // Read side by side in the thread pool: with a large backlog each listing takes a while.
      const [atStart, ...listings] = await Promise.all([
        NewAtStart.read(spool),
        spool.names("cur"),
        spool.names("failed"),
      ]);
      cleanUp.defer(() => atStart.close());
      const present = new Set<string>([...atStart.names, ...listings.flat()]);
      const journal = await Journal.open(config.varDir, {
        dedupeWindowMs: config.dedupeWindowMs,
        exists: (name) => present.has(name),
        report: logs.logJournal(log.logger),
      });
      cleanUp.defer(() => journal.close());
      const handlers = new HandlerStore(config.handlersDir, currentUser(), {
        baseDir: config.root,
        redactFragments: config.redact,
      });
      const agent = new Agent(
        config,
        log,
        spool,
        journal,
        handlers,
        cleanUp,
        launchers,
        options.closeLog,
      );
      // Timers and watchers left running would keep the process alive after an error.
      cleanUp.defer(() => agent.intake.stop());
      cleanUp.defer(() => agent.queue.close());
      // Watch first, then load: an edit lands either in the first load or in a reload.
      // (chokidar may still be scanning the folder: agent/watch-handlers says how nothing is missed.)
      // chokidar starts once the agent is ready: its load and scan never delay the first events.
      let announceReady = (): void => undefined;
      const announced = new Promise<void>((resolve) => {
        announceReady = resolve;
      });
      const handlerWatch = await watchHandlers(
        config.handlersDir,
        () => agent.reload("change"),
        announced,
      );
      agent.stopWatchingHandlers = () => handlerWatch.stop();
      // Said once chokidar's own watches stand (after "agent ready" with many files): edits
      // were caught before too, but its scan competes with the first events for the CPU.
      void handlerWatch.ready.then(() =>
        log.logger.info(`watching ${config.handlersDir} for changes`),
      );
      cleanUp.defer(agent.stopWatchingHandlers);
      agent.reload("start");
      // Resumed events run with the handlers current when they are resumed (SPEC §3).
      const registry = handlers.current();
      for (const { name } of await spool.events("cur")) {
        agent.queue.push({ name, origin: "cur", second: false, registry });
      }
      await agent.intake.start(config.rescanIntervalMs);
      await agent.intake.scan(atStart);
      // Counted before the loop starts: its first pass takes them off the list at once.
      const resumed = agent.queue.length;
      agent.loopDone = agent.loop();
      // Its launchers started first and have loaded meanwhile, as a rule: "ready" means a
      // handler starts at once (the backlog's events, above, are already under way).
      await launchers.ready();
      log.logger.info(
        `agent ready: root ${config.root}, ${count(handlers.current().all().length, "handler")}, ` +
          `concurrency ${config.concurrency}, ${count(resumed, "event")} resumed from cur/`,
      );
      announceReady();
      return agent;
    } catch (error) {
      await cleanUp.run().catch((e) => cleanUpFailed(log, toError(e)));
      if (options.closeLog) await log.close();
      throw error;
    }
  }

  /** Reloads handlers.d/ (on change and SIGHUP); running events keep the set they were claimed with. */
  reload(why: logs.ReloadCause): void {
    logs.logReload(this.log.logger, this.config.root, why, this.handlers.reload());
  }

  /** Reopens the log file (logrotate) and reloads handlers. */
  hangup(): void {
    this.log.reopen();
    this.reload("signal");
  }

  /**
   * Two-phase, idempotent shutdown (SPEC §5): stop taking events and starting
   * handlers, let running ones finish within the grace period, then kill
   * them. Events not finished stay in cur/ and resume at the next start.
   * What the agent holds is released in reverse order whatever fails.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        this.stopping = true;
        this.stopStarting.abort();
        this.wake();
        this.queue.close();
        await Promise.all([this.intake.stop(), this.stopWatchingHandlers?.()]);
        await this.drain();
        await this.loopDone;
      } finally {
        try {
          await this.cleanUp.run();
          this.log.logger.info("agent stopped");
        } finally {
          if (this.closeLog) await this.log.close();
        }
      }
    })();
    return this.closing;
  }

  /** Ends the grace period now (a second SIGTERM): running handlers are killed. */
  hurry(): Promise<void> {
    this.grace.end();
    return this.close();
  }

  private async drain(): Promise<void> {
    if (this.running.size === 0) return;
    this.log.logger.info("stopping: waiting for running handlers", {
      running: this.running.size,
      grace_ms: this.config.graceMs,
    });
    if ((await this.grace.wait(this.running)) === "drained") return;
    this.log.logger.warn("grace period over: killing running handlers");
    this.abort.abort();
    // A journal waiting for disk space would hold the events that wait on it for ever.
    this.journal.abandon();
    await Promise.allSettled(this.running);
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.fill();
        this.dispatch();
      } catch (error) {
        this.transient("processing the spool", toError(error));
        await new Promise((resolve) => setTimeout(resolve, TRANSIENT_BACKOFF_MS));
        // What failed was put back: go round again rather than wait for a nudge.
        this.woken = true;
      }
      if (!this.woken && !this.stopping) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
        });
      }
      this.wakeUp = undefined;
      this.woken = false;
    }
  }

  /** Claims and decodes events until enough wait ready for the free slots. */
  private async fill(): Promise<void> {
    const want = this.config.concurrency * LOOKAHEAD_PER_SLOT;
    while (!this.stopping && this.scheduler.queued < want) {
      const next = this.queue.shift();
      if (next) {
        await this.decode(next);
        continue;
      }
      const entry = this.intake.next();
      if (!entry) return;
      await this.claim(entry);
    }
  }

  /** new/ → cur/, or straight to failed/ for what cannot be an event. */
  private async claim(entry: SpoolEntry): Promise<void> {
    try {
      // The handler set is fixed here, when the event is claimed, whenever it runs.
      const claimed = await claim(this.spool, entry, () => this.handlers.current());
      if ("toDecode" in claimed) this.queue.push(claimed.toDecode);
      if ("reject" in claimed) await this.reject(entry.name, "new", claimed.reject, claimed.raw);
    } catch (error) {
      if (!isGone(this.spool, entry.name, error)) {
        // This entry only is tried again later: the others go on meanwhile (SPEC §2).
        const delay = this.intake.retryLater(entry);
        this.transient(`claiming ${entry.name} (trying it again in ${delay} ms)`, toError(error));
        // The file is there, so a spool folder it moves into may not be (removed by hand).
        if (errnoCode(error) === "ENOENT") await this.spool.ensure().catch(() => undefined);
        return;
      }
    }
    this.intake.release(entry.name);
  }

  private decode(item: ToDecode): Promise<void> {
    return decodeStep(item, {
      spool: this.spool,
      maxEventBytes: this.config.maxEventBytes,
      settleDelayMs: this.config.settleDelayMs,
      logger: this.log.logger,
      queue: this.queue,
      ready: (claimed) => this.scheduler.add(claimed),
      reject: (name, error) => this.reject(name, "cur", error),
    });
  }

  private async reject(
    name: string,
    from: "new" | "cur",
    error: EventDecodeError,
    raw?: Buffer,
  ): Promise<void> {
    logs.logRejection(
      this.log.logger,
      name,
      error,
      await quarantine(this.spool, name, from, error, raw),
    );
  }

  private dispatch(): void {
    for (const claimed of this.scheduler.take()) {
      const run = runEvent(claimed, {
        keepDone: this.config.keepDone,
        spool: this.spool,
        journal: this.journal,
        logger: this.log.logger,
        queue: this.queue,
        stopping: () => this.stopping,
        run: this.runner,
        handlersDone: () => {
          this.scheduler.handlersDone(claimed);
          this.wake();
        },
      }).finally(() => {
        this.scheduler.finish(claimed);
        this.running.delete(run);
        this.wake();
      });
      this.running.add(run);
    }
  }

  private transient(what: string, error: Error): void {
    logs.logTransient(this.log.logger, what, error);
  }
}

function cleanUpFailed(log: AgentLogger, error: Error): void {
  logs.logTransient(log.logger, "releasing what the agent held after a failed start", error);
}
