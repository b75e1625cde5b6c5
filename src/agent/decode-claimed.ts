import { createHash } from "node:crypto";
import { getCatalogue } from "../events/catalogue.js";
import { decodeEventFile } from "../events/decode-event-file.js";
import { asciiForms } from "../events/idn.js";
import { readEventBytes } from "../spool/read-event-bytes.js";
import type { Spool } from "../spool/spool.js";
import type { ClaimedEvent } from "./claimed-event.js";

/** Reads and decodes an event already in cur/. Throws EventDecodeError for a bad file. */
export async function decodeClaimed(
  spool: Spool,
  maxEventBytes: number,
  { name, origin, registry }: Pick<ClaimedEvent, "name" | "origin" | "registry">,
): Promise<ClaimedEvent> {
  const { bytes, mtime } = await readEventBytes(spool.path("cur", name), maxEventBytes);
  const event = decodeEventFile(bytes, { fileName: name, mtime, maxBytes: maxEventBytes });
  const sha = createHash("sha256").update(bytes).digest("hex").slice(0, 32);
  const catalogue = getCatalogue();
  const idn = asciiForms(event.params, catalogue.find(event.event));
  return {
    name,
    sha,
    event,
    key: catalogue.subjectKey(event),
    asciiVars: idn.vars,
    invalidDomains: idn.invalid,
    origin,
    registry,
  };
}
