import type { HandlerOutcome } from "../../src/record/outcome.js";

/** A handler's final outcome as the journal records it; `ok` with exit 0 unless told. */
export const outcome = (
  handler: string,
  o: HandlerOutcome["outcome"] = "ok",
  exit: number | null = 0,
): HandlerOutcome => ({
  handler,
  outcome: o,
  exit_code: exit,
  signal: null,
  attempts: 1,
});
