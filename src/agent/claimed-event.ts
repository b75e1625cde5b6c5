import type { EvhEvent } from "../events/event.js";
import type { Registry } from "../handlers/registry.js";
import type { Origin } from "./plan-round.js";

/** An event the agent took from the spool: in cur/, decoded, with its ordering key. */
export interface ClaimedEvent {
  /** Its name in spool/cur/. */
  readonly name: string;
  /** Hash of its bytes: tells a retried event from a different one reusing the name. */
  readonly sha: string;
  readonly event: EvhEvent;
  /** SPEC §5 ordering key. */
  readonly key: string;
  /** IDN `<NAME>_ASCII` variables of its domain params, computed once (SPEC §4). */
  readonly asciiVars: Readonly<Record<string, string>>;
  /** Domain params whose value is not a valid domain name (warned about). */
  readonly invalidDomains: readonly string[];
  /** `cur` when it was resumed at start (left over by a previous agent); `requeued` after an error. */
  readonly origin: Origin;
  /** The handler set current when it was claimed (or resumed): reloads after that do not change it. */
  readonly registry: Registry;
}

/**
 * What an event holds while it runs (the scheduler's locks): its ordering
 * key, and its producer id, so that a second copy waits for the first and is
 * then found to be a duplicate instead of running alongside it.
 */
export function eventLocks(claimed: ClaimedEvent): readonly string[] {
  const key = `key ${claimed.key}`;
  return claimed.event.id === undefined ? [key] : [key, `id ${claimed.event.id}`];
}
