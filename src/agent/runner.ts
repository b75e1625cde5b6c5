import { runWithRetry } from "../execute/run-with-retry.js";
import type { ProcessStarter } from "../execute/start-request.js";
import type { Handler } from "../handlers/handler.js";
import type { HandlerOutcome, RunRecord } from "../record/outcome.js";
import type { Redactor } from "../record/redact.js";
import type { RunningBoard } from "../record/running-file.js";
import type { Spool } from "../spool/spool.js";
import { currentUser } from "../system/system-users.js";
import type { ClaimedEvent } from "./claimed-event.js";

/**
 * Binds the executor to this agent: its user, root lock, redaction, and its
 * two shutdown signals: `stop` (no new attempt starts) and `signal` (the
 * grace period is over: running handlers are killed).
 */
export function makeRunner(deps: {
  /** `var/root.event_handler.lock` (rootLockPath). */
  rootLockFile: string;
  /** What `evh status` shows as running: one small file write when a handler starts and ends. */
  board: RunningBoard;
  spool: Spool;
  redactor: Redactor;
  signal: AbortSignal;
  stop: AbortSignal;
  /** The launchers' starter: the agent's own thread never forks a handler. */
  start: ProcessStarter;
}) {
  const agentUser = currentUser();
  return async (
    handler: Handler,
    claimed: ClaimedEvent,
    onAttempt: (r: RunRecord) => void,
  ): Promise<HandlerOutcome> => {
    const end = deps.board.start(claimed.name, handler.id);
    try {
      return await runWithRetry(
        handler,
        claimed.event,
        {
          eventFile: deps.spool.path("cur", claimed.name),
          agentUser,
          rootLockFile: deps.rootLockFile,
          extraVars: claimed.asciiVars,
          redactor: deps.redactor,
          signal: deps.signal,
          stop: deps.stop,
          start: deps.start,
        },
        onAttempt,
      );
    } finally {
      end();
    }
  };
}
