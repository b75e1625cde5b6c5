import type { EvhConfig } from "../config/config.js";
import type { HandlerOutcome, RunRecord } from "../execute/outcome.js";
import { runWithRetry } from "../execute/run-with-retry.js";
import { currentUser } from "../execute/system-users.js";
import type { Handler } from "../handlers/handler.js";
import type { Redactor } from "../record/redact.js";
import { RunningBoard } from "../record/running-file.js";
import type { Spool } from "../spool/spool.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { rootLockPath } from "./root-lock-path.js";

/**
 * Binds the executor to this agent: its user, root lock, redaction, and its
 * two shutdown signals: `stop` (no new attempt starts) and `signal` (the
 * grace period is over: running handlers are killed).
 */
export function makeRunner(deps: {
  config: EvhConfig;
  spool: Spool;
  redactor: Redactor;
  signal: AbortSignal;
  stop: AbortSignal;
}) {
  const agentUser = currentUser();
  const lockFile = rootLockPath(deps.config.varDir);
  // What `evh status` shows as running: one small file write when a handler starts and ends.
  const board = RunningBoard.inVarDir(deps.config.varDir);
  return async (
    handler: Handler,
    claimed: ClaimedEvent,
    onAttempt: (r: RunRecord) => void,
  ): Promise<HandlerOutcome> => {
    const end = board.start(claimed.name, handler.id);
    try {
      return await runWithRetry(
        handler,
        claimed.event,
        {
          eventFile: deps.spool.path("cur", claimed.name),
          agentUser,
          rootLockFile: lockFile,
          extraVars: claimed.asciiVars,
          redactor: deps.redactor,
          signal: deps.signal,
          stop: deps.stop,
        },
        onAttempt,
      );
    } finally {
      end();
    }
  };
}
