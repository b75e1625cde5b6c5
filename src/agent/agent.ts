import { setMaxListeners } from "node:events";
import { existsSync } from "node:fs";
import path from "node:path";
import type { EvhConfig } from "../config/config.js";
import { EntryRefusedError, EventDecodeError, errnoCode, toError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import { classifyEventFileName } from "../events/decode-event-file.js";
import { HandlerStore } from "../handlers/handler-store.js";
import type { Registry } from "../handlers/registry.js";
import { count } from "../record/count-text.js";
import { Journal } from "../record/journal.js";
import type { AgentLogger } from "../record/logger.js";
import { Redactor } from "../record/redact.js";
import { Spool, type SpoolEntry } from "../spool/spool.js";
import { currentUser } from "../system/system-users.js";
import { ensureTrustedStateDir } from "../system/trusted-path.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { decodeClaimed } from "./decode-claimed.js";
import { acquireInstanceLock } from "./instance-lock.js";
import { Intake } from "./intake.js";
import { logJournal, logPlacement, logRun, warnAboutParams } from "./log-events.js";
import type { Origin } from "./plan-round.js";
import { processEvent } from "./process-event.js";
import { nameNotUtf8, quarantine } from "./quarantine.js";
import { makeRunner } from "./runner.js";
import { Scheduler } from "./scheduler.js";
import { watchHandlers } from "./watch-handlers.js";

/** Claimed-and-decoded events kept ready beyond the running ones: enough to fill free slots at once. */
const LOOKAHEAD_PER_SLOT = 4;
/** How the log tells a load at start, a reload after an edit and one asked for with SIGHUP apart. */
const RELOAD_CAUSE = {
  start: "loaded",
  change: "reloaded after a change in handlers.d",
  signal: "reloaded on SIGHUP",
} as const;
/** Pause after a transient error (EMFILE, EIO) before the loop tries again. */
const TRANSIENT_BACKOFF_MS = 1000;

/** A claimed file in cur/ not decoded yet, with the handler set it will run with. */
interface ToDecode {
  readonly name: string;
  readonly origin: Origin;
  /** Its second parse, after the settle delay. */
  readonly second: boolean;
  readonly registry: Registry;
}

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
  private readonly scheduler: Scheduler<ClaimedEvent>;
  private readonly intake: Intake;
  /** Names in cur/ waiting to be decoded; resumed ones first. */
  private readonly toDecode: ToDecode[] = [];
  private readonly settling = new Map<string, NodeJS.Timeout>();
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
    private readonly releaseLock: () => Promise<void>,
  ) {
    // Every running handler listens on both signals: past 10 (concurrency > 10) Node warns of a leak.
    setMaxListeners(0, this.abort.signal, this.stopStarting.signal);
    this.scheduler = new Scheduler(config.concurrency, eventLocks);
    this.runner = makeRunner({
      config,
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
  static async start(config: EvhConfig, log: AgentLogger): Promise<Agent> {
    const releaseLock = await acquireInstanceLock(config.spoolDir);
    let agent: Agent | undefined;
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
        report: logJournal(log.logger),
      });
      const handlers = new HandlerStore(config.handlersDir, currentUser(), {
        baseDir: config.root,
        redactFragments: config.redact,
      });
      const started = new Agent(config, log, spool, journal, handlers, releaseLock);
      agent = started;
      // Watch first, then load: an edit lands either in the first load or in a reload.
      agent.stopWatchingHandlers = await watchHandlers(config.handlersDir, () =>
        started.reload("change"),
      );
      agent.reload("start");
      // Resumed events run with the handlers current when they are resumed (SPEC §3).
      const hidden = (name: string) => classifyEventFileName(name) === "hidden";
      for (const entry of await spool.list("cur", hidden)) {
        agent.toDecode.push({
          name: entry.name,
          origin: "cur",
          second: false,
          registry: handlers.current(),
        });
      }
      await agent.intake.start(config.rescanIntervalMs);
      await agent.intake.scan();
      // Counted before the loop starts: its first pass takes them off the list at once.
      const resumed = agent.toDecode.length;
      agent.loopDone = agent.loop();
      log.logger.info(
        `agent ready: root ${config.root}, ${count(handlers.current().all().length, "handler")}, ` +
          `concurrency ${config.concurrency}, ${count(resumed, "event")} resumed from cur/`,
      );
      return agent;
    } catch (error) {
      // Timers and watchers already started would keep the process alive after the error.
      await agent?.intake.stop();
      await agent?.stopWatchingHandlers?.();
      await agent?.journal.close();
      await releaseLock();
      throw error;
    }
  }

  /** Reloads handlers.d/ (on change and SIGHUP); running events keep the set they were claimed with. */
  reload(why: "start" | "change" | "signal"): void {
    const report = this.handlers.reload();
    for (const d of report.diagnostics) {
      const line = `${path.relative(this.config.root, d.file) || d.file}:${d.line}: ${d.message}`;
      this.log.logger.log(d.severity === "error" ? "error" : "warn", line, { file: d.file });
    }
    const kept = report.keptLastGood.map((f) => path.relative(this.config.root, f) || f);
    const keptText = kept.length > 0 ? `; last good version kept for ${kept.join(", ")}` : "";
    this.log.logger.info(`handlers ${RELOAD_CAUSE[why]}: ${report.handlers} active${keptText}`);
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
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      this.stopStarting.abort();
      this.wake();
      for (const timer of this.settling.values()) clearTimeout(timer);
      await Promise.all([this.intake.stop(), this.stopWatchingHandlers?.()]);
      if (this.running.size > 0) {
        this.log.logger.info("stopping: waiting for running handlers", {
          running: this.running.size,
          grace_ms: this.config.graceMs,
        });
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), this.config.graceMs);
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
      await this.loopDone;
      await this.journal.close();
      await this.releaseLock();
      this.log.logger.info("agent stopped");
    })();
    return this.closing;
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
      const next = this.toDecode.shift();
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
      if (entry.raw) {
        await this.reject(entry.name, "new", nameNotUtf8(entry.raw), entry.raw);
      } else if (entry.kind !== "file" && entry.kind !== "hard link") {
        await this.reject(
          entry.name,
          "new",
          new EntryRefusedError(`not a regular file: ${entry.kind}`),
        );
      } else if (classifyEventFileName(entry.name) === "unsupported") {
        await this.reject(
          entry.name,
          "new",
          new EventDecodeError("unsupported file type", "event files end in .json, .yaml or .yml"),
        );
      } else {
        // A hard-linked file is claimed, never read: Maildir's link(tmp/x, new/x) then
        // unlink(tmp/x) delivery has two links for a moment, so the read in cur/ refuses it
        // only if it still has two after the settle delay (readEventBytes).
        const name = await this.spool.move(entry.name, "new", "cur");
        // The handler set is fixed here, when the event is claimed, whenever it runs.
        this.toDecode.push({
          name,
          origin: "new",
          second: false,
          registry: this.handlers.current(),
        });
      }
    } catch (error) {
      const gone = errnoCode(error) === "ENOENT" && !existsSync(this.spool.path("new", entry.name));
      if (!gone) {
        // This entry only is tried again later: the others go on meanwhile (SPEC §2).
        const delay = this.intake.retryLater(entry);
        this.transient(`claiming ${entry.name} (trying it again in ${delay} ms)`, toError(error));
        // The file is there, so a spool folder it moves into may not be (removed by hand).
        if (errnoCode(error) === "ENOENT") await this.spool.ensure().catch(() => undefined);
        return;
      }
      // taken or removed meanwhile: nothing to do
    }
    this.intake.release(entry.name);
  }

  /** Reads one claimed file; an error with it (EIO, a full disk) delays that file only. */
  private async decode(item: ToDecode): Promise<void> {
    try {
      await this.decodeOrReject(item);
    } catch (error) {
      this.transient(`reading ${item.name} (trying it again later)`, toError(error));
      this.later(item.name, { ...item, second: false });
    }
  }

  private async decodeOrReject(item: ToDecode): Promise<void> {
    let claimed: ClaimedEvent;
    try {
      claimed = await decodeClaimed(this.spool, this.config, item);
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return;
      if (!(error instanceof EventDecodeError)) throw error;
      if (!item.second && !(error instanceof EntryRefusedError)) {
        // A writer that skipped tmp/ may still be writing: look once more after the settle delay.
        this.log.logger.debug(
          `cannot parse ${item.name} yet: ${error.reason}; parsing it again in ${this.config.settleDelayMs} ms`,
          { file: item.name, reason: error.reason },
        );
        const timer = setTimeout(() => {
          this.settling.delete(item.name);
          this.toDecode.push({ ...item, second: true });
          this.wake();
        }, this.config.settleDelayMs);
        this.settling.set(item.name, timer);
        return;
      }
      await this.reject(item.name, "cur", error);
      return;
    }
    this.scheduler.add(claimed);
  }

  private async reject(
    name: string,
    from: "new" | "cur",
    error: EventDecodeError,
    raw?: Buffer,
  ): Promise<void> {
    const result = await quarantine(this.spool, name, from, error, raw);
    const detail = error.detail ? `: ${error.detail}` : "";
    if ("gone" in result) return; // taken or removed meanwhile: nothing to report
    if ("placed" in result) {
      this.log.logger.warn(`quarantined ${name}: ${error.reason}${detail}`, {
        file: result.placed,
        reason: error.reason,
      });
    } else {
      this.log.logger.error(
        `removed ${name} (could not move it to failed/: ${result.because}): ${error.reason}`,
        {
          file: name,
          reason: error.reason,
        },
      );
    }
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
    try {
      warnAboutParams(this.log.logger, claimed, getCatalogue());
      const result = await processEvent(claimed, {
        config: this.config,
        spool: this.spool,
        journal: this.journal,
        registry: claimed.registry,
        stopping: () => this.stopping,
        signal: this.abort.signal,
        run: this.runner,
        onAttempt: (c, record) => logRun(this.log.logger, c, record),
        onPlaced: (c, result) => logPlacement(this.log.logger, c, result),
      });
      if (result.kind === "interrupted") {
        this.log.logger.info("event left in cur/ for the next start", {
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
      this.later(name, { name, origin: "requeued", second: false, registry });
    }
  }

  /** Decodes `item` again after the transient-error pause, behind the others. */
  private later(name: string, item: ToDecode): void {
    const timer = setTimeout(() => {
      this.settling.delete(name);
      this.toDecode.push(item);
      this.wake();
    }, TRANSIENT_BACKOFF_MS);
    this.settling.set(name, timer);
  }

  private transient(what: string, error: Error): void {
    this.log.logger.error(`error ${what}: ${error.message}`, {
      reason: errnoCode(error) ?? error.name,
    });
  }
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
