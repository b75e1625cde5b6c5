import { EventDecodeError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import { decodeEventFile } from "../events/decode-event-file.js";
import type { EvhEvent } from "../events/event.js";
import { readEventBytes } from "./read-event-bytes.js";
import type { Spool } from "./spool.js";
import type { SpoolState } from "./spool-states.js";

/** An event file read back from the spool for people (`queue`, `show`): decoded, or why not. */
export type SpooledEvent =
  | { readonly kind: "event"; readonly event: EvhEvent; readonly subject: string | null }
  | { readonly kind: "unreadable"; readonly reason: string };

/**
 * Reads and decodes an event in the spool as the agent does (`readEventBytes`:
 * no link followed, no FIFO waited on, bounded; `decodeEventFile`), without
 * moving it. `subject` is its ordering key (SPEC §5) when that is more than
 * the event's name: the domain, login, ... it is about.
 */
export async function readSpooledEvent(
  spool: Spool,
  state: SpoolState,
  name: string,
  maxBytes: number,
): Promise<SpooledEvent> {
  try {
    const { bytes, mtime } = await readEventBytes(spool.path(state, name), maxBytes);
    const event = decodeEventFile(bytes, { fileName: name, mtime, maxBytes });
    const key = getCatalogue().subjectKey(event);
    return { kind: "event", event, subject: key === event.event ? null : key };
  } catch (error) {
    if (error instanceof EventDecodeError) return { kind: "unreadable", reason: error.reason };
    throw error;
  }
}
