/**
 * The spool's state machine (SPEC §1, §2, §4). Every transition is one atomic
 * rename(2) between folders of the same spool, done by `moveEvent`.
 *
 *   tmp ──producer──▶ new ──claim──▶ cur ──┬──▶ (deleted)   every outcome ok/refused/skipped
 *                      ▲                    ├──▶ done        same, with keep_done
 *                      │                    └──▶ failed      bad file, or a handler failed/timeout
 *                      └──────── retry ──────────── failed
 *   new ──▶ failed      a file that is not a regular file, an unsupported name, or a name
 *                       that is not UTF-8 (placed under a UTF-8 one)
 */
export const SPOOL_STATES = {
  tmp: "tmp",
  new: "new",
  cur: "cur",
  done: "done",
  failed: "failed",
} as const;

export type SpoolState = keyof typeof SPOOL_STATES;

/**
 * The folders producers write to (SPEC §2): 0700, or 1730 for a producer
 * group. The others only the agent's user may read: events carry secrets (§4).
 */
export const PRODUCER_STATES: readonly SpoolState[] = ["tmp", "new"];

const TRANSITIONS: Readonly<Record<SpoolState, readonly SpoolState[]>> = {
  tmp: ["new"],
  new: ["cur", "failed"],
  cur: ["done", "failed"],
  done: [],
  failed: ["new"],
};

/** Whether `from → to` is a transition of the state machine. */
export function canMove(from: SpoolState, to: SpoolState): boolean {
  return TRANSITIONS[from].includes(to);
}
