import { EventDecodeError, toError } from "../errors/evh-error.js";
import type { EventFileMeta, EvhEvent } from "./event.js";
import { eventFileFormat } from "./event-file-name.js";
import { describeOverLimit } from "./limits.js";
import { parseEventDocument } from "./parse-event-document.js";
import { decodeEventText } from "./text-encoding.js";
import { validateEvent } from "./validate-event.js";

// The spool asks the same module what a name is before it reads any bytes.
export { classifyEventFileName, type EventFileKind } from "./event-file-name.js";

/**
 * Bytes of an event file → the event (SPEC §2). Pure: no disk, no clock, no
 * logging; the caller reads the file and decides what a failure means.
 *
 * Every failure is an `EventDecodeError` whose `reason` is one line saying
 * what is wrong and where, and whose `detail` says how the file was read
 * (format and encoding), which is what one needs to understand a reason like
 * "invalid JSON at line 1 column 1" on a file that looks fine in an editor.
 */
export function decodeEventFile(bytes: Uint8Array, meta: EventFileMeta): EvhEvent {
  // Before anything else looks at the content: a huge file costs nothing to refuse.
  if (bytes.length > meta.maxBytes) {
    const over = describeOverLimit("file", bytes.length, meta.maxBytes);
    throw new EventDecodeError(`${over} (max_event_size)`);
  }
  const format = eventFileFormat(meta.fileName);
  if (!format) {
    throw new EventDecodeError(
      "unsupported file type",
      "event files are named *.json, *.yaml or *.yml",
    );
  }
  const { text, encoding } = decodeEventText(bytes);
  const readAs = `read as ${format === "json" ? "JSON" : "YAML"}, ${encoding.label}`;
  try {
    return validateEvent(parseEventDocument(text, format), meta);
  } catch (thrown) {
    if (thrown instanceof EventDecodeError) {
      throw new EventDecodeError(thrown.reason, thrown.detail || readAs, { cause: thrown.cause });
    }
    // Whatever else a parser throws on hostile input is still this file's fault.
    const error = toError(thrown);
    throw new EventDecodeError(`could not read the event: ${error.message}`, readAs, {
      cause: error,
    });
  }
}
