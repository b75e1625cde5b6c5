import type { Logger } from "winston";
import { errnoCode, toError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import type { Journal } from "../record/journal.js";
import type { Spool } from "../spool/spool.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { type DecodeQueue, TRANSIENT_BACKOFF_MS } from "./decode-queue.js";
import { logPlacement, logRun, logTransient, warnAboutParams } from "./log-events.js";
import { type EventContext, processEvent } from "./process-event.js";

/** What running one event needs from the agent. */
export interface RunEventDeps
  extends Pick<EventContext, "keepDone" | "stopping" | "run" | "handlersDone"> {
  readonly spool: Spool;
  readonly journal: Journal;
  readonly logger: Logger;
  readonly queue: DecodeQueue;
}

/**
 * Runs one decoded event's handlers and places it, logging each step. An
 * error (EIO, a spool folder removed by hand) leaves the event in cur/ with
 * its progress journaled: it is decoded and resumed again after a pause.
 */
export async function runEvent(claimed: ClaimedEvent, deps: RunEventDeps): Promise<void> {
  const { logger } = deps;
  try {
    warnAboutParams(logger, claimed, getCatalogue());
    const result = await processEvent(claimed, {
      keepDone: deps.keepDone,
      spool: deps.spool,
      journal: deps.journal,
      registry: claimed.registry,
      stopping: deps.stopping,
      run: deps.run,
      handlersDone: deps.handlersDone,
      onAttempt: (c, record) => logRun(logger, c, record),
      onPlaced: (c, result) => logPlacement(logger, c, result),
    });
    if (result.kind === "interrupted") {
      logger.info("event left in cur/ for the next start", {
        file: claimed.name,
        event: claimed.event.event,
      });
    }
  } catch (error) {
    logTransient(logger, `processing ${claimed.name}`, toError(error));
    // ENOENT on a placement: a spool folder was removed by hand; make it again.
    if (errnoCode(error) === "ENOENT") await deps.spool.ensure().catch(() => undefined);
    const { name, registry } = claimed;
    deps.queue.later({ name, origin: "requeued", second: false, registry }, TRANSIENT_BACKOFF_MS);
  }
}
