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
