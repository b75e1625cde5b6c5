import type { EventProgress } from "../record/journal-state.js";
import { type HandlerOutcome, isFailure } from "../record/outcome.js";

/** What this round of an event runs, given the journal's progress (SPEC §5). */
export type Round =
  /** Every matching handler; `claim` says whether the round must be journaled first. */
  | {
      kind: "run";
      plan: readonly string[] | null;
      claim: boolean;
      progress: EventProgress | undefined;
    }
  /** The last round completed ok before a crash: only the file's placement is left. */
  | { kind: "completed" }
  /** The last round ended failed and its placement in failed/ did not happen: place it now. */
  | { kind: "unplaced"; outcomes: readonly HandlerOutcome[] };

/**
 * Where an event came from: claimed from new/, resumed from cur/ at start,
 * or put back in-process after an error (its journal is then up to date:
 * nothing could have been claimed in between).
 */
export type Origin = "new" | "cur" | "requeued";

/**
 * - no progress (or a different event under the same name): a first run;
 * - progress not ended: a round interrupted by a crash; continue it, skipping
 *   handlers that already reached an outcome in it;
 * - ended `failed`: a retry; only handlers that ended `failed` or `timeout` run.
 *   Except when the event was requeued after an error in this process: the
 *   error came after the end record, while the file was being placed (a full
 *   disk refusing its sidecar), so only the placement is left. Resumed from
 *   cur/ at start, it may instead be a retry claimed from new/ whose own
 *   claim record a crash cut off: running the failed handlers is the safe side;
 * - ended `ok`, found in cur/: the crash came between the journal's end
 *   record and the file's placement; finish the placement. Found in new/: the
 *   same bytes were dropped again on purpose; run them again.
 */
export function planRound(progress: EventProgress | undefined, sha: string, origin: Origin): Round {
  if (!progress || progress.sha !== sha)
    return { kind: "run", plan: null, claim: false, progress: undefined };
  switch (progress.ended) {
    case undefined:
      return { kind: "run", plan: progress.plan, claim: false, progress };
    case "failed": {
      if (origin === "requeued")
        return { kind: "unplaced", outcomes: [...progress.outcomes.values()] };
      const plan = [...progress.outcomes.values()]
        .filter((o) => isFailure(o.outcome))
        .map((o) => o.handler);
      return { kind: "run", plan, claim: true, progress };
    }
    case "ok":
      return origin !== "new"
        ? { kind: "completed" }
        : { kind: "run", plan: null, claim: true, progress: undefined };
    default: {
      const never: never = progress.ended;
      throw new Error(`unknown end ${String(never)}`);
    }
  }
}
