import type { HandlerOutcome } from "../../src/record/outcome.js";
import { type StoredOutcome, toStoredOutcome } from "../../src/record/stored-outcome.js";

/** A handler's final outcome as the agent holds it; `ok` with exit 0 unless told. */
export const outcome = (
  handler: string,
  o: HandlerOutcome["outcome"] = "ok",
  exit: number | null = 0,
): HandlerOutcome => ({
  handler,
  outcome: o,
  exitCode: exit,
  signal: null,
  attempts: 1,
  timedOut: o === "timeout",
  canceled: false,
  interrupted: false,
});

/** The same as the journal's records store it (snake_case). */
export const storedOutcome = (...args: Parameters<typeof outcome>): StoredOutcome =>
  toStoredOutcome(outcome(...args));
