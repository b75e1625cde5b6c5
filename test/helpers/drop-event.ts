import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spoolFileName } from "../../src/spool/emit-event.js";

/** What an event file holds: raw bytes or text as is, or an object written as JSON. */
export type EventBody = string | Uint8Array | Readonly<Record<string, unknown>>;

/**
 * Drops an event the Maildir way, as a producer does: writes it whole under
 * spool/tmp/, then renames it into spool/new/. Returns the name it got
 * (by default the `evh emit` style, so name order is time order).
 */
export function dropEvent(spoolDir: string, body: EventBody, name = spoolFileName()): string {
  const tmp = path.join(spoolDir, "tmp", name);
  writeFileSync(tmp, toBytes(body));
  renameSync(tmp, path.join(spoolDir, "new", name));
  return name;
}

export function toBytes(body: EventBody): string | Uint8Array {
  return typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
}

/** An event's id as handlers see it (EVH_EVENT_ID) when it carries no `id`: the name without extension. */
export function eventIdOf(name: string): string {
  return name.slice(0, name.length - path.extname(name).length);
}
