import { setMaxListeners } from "node:events";
import type { EvhConfig } from "../config/config.js";
import { EventDecodeError, errnoCode, toError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import { classifyEventFileName } from "../events/decode-event-file.js";
import { rootLockPath } from "../execute/root-lock.js";
import { HandlerStore } from "../handlers/handler-store.js";
import { count } from "../record/count-text.js";
import { Journal } from "../record/journal.js";
import type { AgentLogger } from "../record/logger.js";
import { Redactor } from "../record/redact.js";
import { Spool, type SpoolEntry } from "../spool/spool.js";
import { currentUser } from "../system/system-users.js";
import { ensureTrustedStateDir } from "../system/trusted-path.js";
import { claim, isGone } from "./claim.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { CleanUp } from "./clean-up.js";
import { decodeClaimed } from "./decode-claimed.js";
import { DecodeQueue, type ToDecode } from "./decode-queue.js";
import { acquireInstanceLock } from "./instance-lock.js";
import { Intake } from "./intake.js";
import * as logs from "./log-events.js";
import { processEvent } from "./process-event.js";
import { quarantine } from "./quarantine.js";
import { makeRunner } from "./runner.js";
import { Scheduler } from "./scheduler.js";
import { watchHandlers } from "./watch-handlers.js";

/** Claimed-and-decoded events kept ready beyond the running ones: enough to fill free slots at once. */
const LOOKAHEAD_PER_SLOT = 4;
/** Pause after a transient error (EMFILE, EIO) before the loop tries again. */
const TRANSIENT_BACKOFF_MS = 1000;

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
  private endGrace: (() => void) | undefined;
  private hurried = false;
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
    /** The log was opened for this agent (startAgent): close() closes it last. */
    private readonly closeLog = false,
  ) {
    // Every running handler listens on both signals: past 10 (concurrency > 10) Node warns of a leak.
    setMaxListeners(0, this.abort.signal, this.stopStarting.signal);
    this.scheduler = new Scheduler(config.concurrency, eventLocks);
    this.runner = makeRunner({
      rootLockFile: rootLockPath(config.varDir),
      spool,
      redactor: new Redactor(config.redact),
      signal: this.abort.signal,
      stop: this.stopStarting.signal,
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
      const spool = new Spool(config.spoolDir, config.producerGroup);
      for (const warning of await spool.ensure()) log.logger.warn(warning);
      await spool.removeSidecarTemps();
      const present = new Set<string>();
      for (const state of ["new", "cur", "failed"] as const) {
        for (const name of await spool.names(state)) present.add(name);
      }
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
      const agent = new Agent(config, log, spool, journal, handlers, cleanUp, options.closeLog);
      // Timers and watchers left running would keep the process alive after an error.
      cleanUp.defer(() => agent.intake.stop());
      cleanUp.defer(() => agent.queue.close());
      // Watch first, then load: an edit lands either in the first load or in a reload.
      agent.stopWatchingHandlers = await watchHandlers(config.handlersDir, () =>
        agent.reload("change"),
      );
      cleanUp.defer(agent.stopWatchingHandlers);
      agent.reload("start");
      // Resumed events run with the handlers current when they are resumed (SPEC §3).
      const hidden = (name: string) => classifyEventFileName(name) === "hidden";
      const registry = handlers.current();
      for (const { name } of await spool.list("cur", hidden)) {
        agent.queue.push({ name, origin: "cur", second: false, registry });
      }
      await agent.intake.start(config.rescanIntervalMs);
      await agent.intake.scan();
      // Counted before the loop starts: its first pass takes them off the list at once.
      const resumed = agent.queue.length;
      agent.loopDone = agent.loop();
      log.logger.info(
        `agent ready: root ${config.root}, ${count(handlers.current().all().length, "handler")}, ` +
          `concurrency ${config.concurrency}, ${count(resumed, "event")} resumed from cur/`,
      );
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
    this.hurried = true;
    const closing = this.close();
    this.endGrace?.();
    return closing;
  }

  private async drain(): Promise<void> {
    if (this.running.size === 0) return;
    this.log.logger.info("stopping: waiting for running handlers", {
      running: this.running.size,
      grace_ms: this.config.graceMs,
    });
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"timeout">((resolve) => {
      this.endGrace = () => resolve("timeout");
      timer = setTimeout(this.endGrace, this.hurried ? 0 : this.config.graceMs);
    });
    const drained = Promise.allSettled([...this.running]).then(() => "drained" as const);
    if ((await Promise.race([drained, graceOver])) === "timeout") {
      this.log.logger.warn("grace period over: killing running handlers");
      this.abort.abort();
      // A journal waiting for disk space would hold the events that wait on it for ever.
      this.journal.abandon();
      await drained;
    }
    clearTimeout(timer);
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

  /** Reads one claimed file; an error with it (EIO, a full disk) delays that file only. */
  private async decode(item: ToDecode): Promise<void> {
    try {
      this.scheduler.add(await decodeClaimed(this.spool, this.config.maxEventBytes, item));
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return;
      if (!(error instanceof EventDecodeError)) {
        this.transient(`reading ${item.name} (trying it again later)`, toError(error));
        this.queue.later({ ...item, second: false }, TRANSIENT_BACKOFF_MS);
      } else if (!item.second && error.mayBeIncomplete) {
        // A writer that skipped tmp/ may still be writing: look once more after the settle delay.
        this.log.logger.debug(
          `cannot parse ${item.name} yet: ${error.reason}; parsing it again in ${this.config.settleDelayMs} ms`,
          { file: item.name, reason: error.reason },
        );
        this.queue.later({ ...item, second: true }, this.config.settleDelayMs);
      } else {
        await this.reject(item.name, "cur", error).catch((e: unknown) => {
          this.transient(`reading ${item.name} (trying it again later)`, toError(e));
          this.queue.later({ ...item, second: false }, TRANSIENT_BACKOFF_MS);
        });
      }
    }
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
      const run = this.runEvent(claimed).finally(() => {
        this.scheduler.finish(claimed);
        this.running.delete(run);
        this.wake();
      });
      this.running.add(run);
    }
  }

  private async runEvent(claimed: ClaimedEvent): Promise<void> {
    const logger = this.log.logger;
    try {
      logs.warnAboutParams(logger, claimed, getCatalogue());
      const result = await processEvent(claimed, {
        keepDone: this.config.keepDone,
        spool: this.spool,
        journal: this.journal,
        registry: claimed.registry,
        stopping: () => this.stopping,
        signal: this.abort.signal,
        run: this.runner,
        onAttempt: (c, record) => logs.logRun(logger, c, record),
        onPlaced: (c, result) => logs.logPlacement(logger, c, result),
      });
      if (result.kind === "interrupted") {
        logger.info("event left in cur/ for the next start", {
          file: claimed.name,
          event: claimed.event.event,
        });
      }
    } catch (error) {
      // The event stays in cur/ and the journal knows its progress: resume it after a pause.
      this.transient(`processing ${claimed.name}`, toError(error));
      // ENOENT on a placement: a spool folder was removed by hand; make it again.
      if (errnoCode(error) === "ENOENT") await this.spool.ensure().catch(() => undefined);
      const { name, registry } = claimed;
      this.queue.later({ name, origin: "requeued", second: false, registry }, TRANSIENT_BACKOFF_MS);
    }
  }

  private transient(what: string, error: Error): void {
    logs.logTransient(this.log.logger, what, error);
  }
}

function cleanUpFailed(log: AgentLogger, error: Error): void {
  logs.logTransient(log.logger, "releasing what the agent held after a failed start", error);
}

/**
 * What an event holds while it runs: its ordering key, and its producer id,
 * so that a second copy waits for the first and is then found to be a
 * duplicate instead of running alongside it.
 */
function eventLocks(claimed: ClaimedEvent): readonly string[] {
  const key = `key ${claimed.key}`;
  return claimed.event.id === undefined ? [key] : [key, `id ${claimed.event.id}`];
}
