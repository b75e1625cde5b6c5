import type { EvhEvent } from "../events/event.js";

/** An event the agent took from the spool: in cur/, decoded, with its ordering key. */
export interface ClaimedEvent {
  /** Its name in spool/cur/. */
  readonly name: string;
  /** Hash of its bytes: tells a retried event from a different one reusing the name. */
  readonly sha: string;
  readonly event: EvhEvent;
  /** SPEC §5 ordering key. */
  readonly key: string;
  /** `cur` when it was resumed at start (left over by a previous agent). */
  readonly origin: "new" | "cur";
}
