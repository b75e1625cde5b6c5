import path from "node:path";
import type { Logger } from "winston";
import { type EventDecodeError, errnoCode } from "../errors/evh-error.js";
import type { Catalogue } from "../events/catalogue.js";
import type { ReloadReport } from "../handlers/handler-store.js";
import type { JournalReport } from "../record/journal.js";
import type { RunRecord } from "../record/outcome.js";
import type { ClaimedEvent } from "./claimed-event.js";
import type { EventResult } from "./process-event.js";
import type { Quarantined } from "./quarantine.js";

/** How the log tells a load at start, a reload after an edit and one asked for with SIGHUP apart. */
const RELOAD_CAUSE = {
  start: "loaded",
  change: "reloaded after a change in handlers.d",
  signal: "reloaded on SIGHUP",
} as const;

export type ReloadCause = keyof typeof RELOAD_CAUSE;

/** A (re)load of handlers.d/: each diagnostic with its file and line, then one summary line. */
export function logReload(
  logger: Logger,
  root: string,
  why: ReloadCause,
  report: ReloadReport,
): void {
  for (const d of report.diagnostics) {
    const line = `${path.relative(root, d.file) || d.file}:${d.line}: ${d.message}`;
    logger.log(d.severity === "error" ? "error" : "warn", line, { file: d.file });
  }
  const kept = report.keptLastGood.map((f) => path.relative(root, f) || f);
  const keptText = kept.length > 0 ? `; last good version kept for ${kept.join(", ")}` : "";
  logger.info(`handlers ${RELOAD_CAUSE[why]}: ${report.handlers} active${keptText}`);
}

/** A file that cannot be an event, placed in failed/ (or removed when it could not be moved). */
export function logRejection(
  logger: Logger,
  name: string,
  error: EventDecodeError,
  result: Quarantined,
): void {
  if ("gone" in result) return; // taken or removed meanwhile: nothing to report
  if ("placed" in result) {
    const detail = error.detail ? `: ${error.detail}` : "";
    logger.warn(`quarantined ${name}: ${error.reason}${detail}`, {
      file: result.placed,
      reason: error.reason,
    });
  } else {
    logger.error(
      `removed ${name} (could not move it to failed/: ${result.because}): ${error.reason}`,
      { file: name, reason: error.reason },
    );
  }
}

/** A transient error (EMFILE, EIO, a full disk): one line, and the agent goes on. */
export function logTransient(logger: Logger, what: string, error: Error): void {
  logger.error(`error ${what}: ${error.message}`, { reason: errnoCode(error) ?? error.name });
}

/** The run record of SPEC §8: one log line per handler attempt. Output is already redacted. */
export function logRun(logger: Logger, claimed: ClaimedEvent, r: RunRecord): void {
  const level = r.outcome === "ok" ? "info" : "warn";
  const why = r.error ? `: ${r.error}` : "";
  // Killed by the agent's own shutdown: not the handler's failure, and not its outcome.
  const message = r.canceled
    ? `handler ${r.handler} stopped by the shutdown; it runs again at the next start`
    : `handler ${r.handler} ${r.outcome}${why}`;
  logger.log(level, message, {
    event: claimed.event.event,
    event_id: claimed.event.eventId,
    handler: r.handler,
    attempt: r.attempt,
    outcome: r.outcome,
    exit_code: r.exitCode,
    signal: r.signal,
    duration_ms: r.durationMs,
    stdout: r.stdout,
    stderr: r.stderr,
    // A webhook's answer (docs/webhooks.md); the body is already redacted.
    ...(r.statusCode === undefined ? {} : { status_code: r.statusCode }),
    ...(r.response === undefined ? {} : { response: r.response }),
  });
}

export function logPlacement(logger: Logger, claimed: ClaimedEvent, result: EventResult): void {
  const base = { event: claimed.event.event, event_id: claimed.event.eventId, file: claimed.name };
  switch (result.kind) {
    case "done":
      logger.info("event done", { ...base, handlers: result.outcomes.length });
      break;
    case "failed":
      logger.warn(`event failed: ${result.reason}`, { ...base, reason: result.reason });
      break;
    case "duplicate":
      logger.info("duplicate event dropped", {
        ...base,
        reason: `id ${result.id} already completed within dedupe_window`,
      });
      break;
    case "interrupted":
      break;
    default: {
      const never: never = result;
      throw new Error(`unknown result ${JSON.stringify(never)}`);
    }
  }
}

/** Warnings that do not stop the event (SPEC §2, §4): missing required params, invalid domain names. */
export function warnAboutParams(logger: Logger, claimed: ClaimedEvent, catalogue: Catalogue): void {
  const { event } = claimed;
  const base = { event: event.event, event_id: event.eventId, file: claimed.name };
  const missing = catalogue.requiredParams(event.event).filter((name) => !(name in event.params));
  if (missing.length > 0) {
    logger.warn(
      `event lacks required params ${missing.join(", ")}; running its handlers anyway`,
      base,
    );
  }
  for (const name of claimed.invalidDomains) {
    logger.warn(`param ${name} is not a valid domain name; no ${name}_ASCII is passed`, base);
  }
}

/** What the journal says of itself when it cannot be written, and when it can again. */
export function logJournal(logger: Logger): JournalReport {
  return (what) => {
    switch (what.kind) {
      case "write-failed":
        logger.error(
          `error writing var/journal.jsonl: ${what.error.message}; events wait, ` +
            "writing again every second (free space on its file system)",
          { reason: errnoCode(what.error) ?? what.error.name },
        );
        break;
      case "recovered":
        logger.info(
          `var/journal.jsonl written again after ${what.attempts} attempts; events go on`,
        );
        break;
      case "skipped":
        logger.warn(
          `var/journal.jsonl:${what.line}: not a journal record (${what.reason}); skipped`,
          { line: what.line },
        );
        break;
      case "skipped-total":
        logger.warn(
          `var/journal.jsonl: ${what.count} malformed records skipped; the events they ` +
            "belonged to may run a handler again (at-least-once)",
          { skipped: what.count },
        );
        break;
      default: {
        const never: never = what;
        throw new Error(`unknown journal report ${JSON.stringify(never)}`);
      }
    }
  };
}
