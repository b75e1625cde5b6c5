import type { Logger } from "winston";
import { EventDecodeError, errnoCode, toError } from "../errors/evh-error.js";
import type { Spool } from "../spool/spool.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { decodeClaimed } from "./decode-claimed.js";
import { type DecodeQueue, type ToDecode, TRANSIENT_BACKOFF_MS } from "./decode-queue.js";
import { logTransient } from "./log-events.js";

/** What decoding a claimed file needs from the agent. */
export interface DecodeDeps {
  readonly spool: Spool;
  readonly maxEventBytes: number;
  readonly settleDelayMs: number;
  readonly logger: Logger;
  readonly queue: DecodeQueue;
  /** Takes a decoded event (the scheduler). */
  readonly ready: (claimed: ClaimedEvent) => void;
  /** Moves a file that cannot be an event to failed/ and logs it. */
  readonly reject: (name: string, error: EventDecodeError) => Promise<void>;
}

/**
 * Reads and decodes one claimed file in cur/. A file that may still be being
 * written (a producer that skipped tmp/: `mayBeIncomplete`) is parsed once
 * more after the settle delay before it is refused; a transient error (EIO,
 * a full disk) puts that file only aside for a while; one gone meanwhile is
 * dropped.
 */
export async function decodeStep(item: ToDecode, deps: DecodeDeps): Promise<void> {
  const { queue, logger } = deps;
  const transient = (error: unknown) => {
    logTransient(logger, `reading ${item.name} (trying it again later)`, toError(error));
    queue.later({ ...item, second: false }, TRANSIENT_BACKOFF_MS);
  };
  try {
    deps.ready(await decodeClaimed(deps.spool, deps.maxEventBytes, item));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return;
    if (!(error instanceof EventDecodeError)) return transient(error);
    if (!item.second && error.mayBeIncomplete) {
      logger.debug(
        `cannot parse ${item.name} yet: ${error.reason}; parsing it again in ${deps.settleDelayMs} ms`,
        { file: item.name, reason: error.reason },
      );
      queue.later({ ...item, second: true }, deps.settleDelayMs);
      return;
    }
    await deps.reject(item.name, error).catch(transient);
  }
}
