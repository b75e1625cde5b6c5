import { isUtf8 } from "node:buffer";
import { EVENT_FILE_EXTENSIONS } from "./event.js";

/** How the agent treats a name found in `spool/new/` (SPEC §2). */
export type EventFileKind = "event" | "hidden" | "unsupported";

/** The syntax an event file is parsed with, chosen by its extension. */
export type EventFileFormat = "json" | "yaml";

/**
 * `.json`, `.yaml`, `.yml` → an event; a leading `.` → hidden, left alone as
 * Maildir readers do (editors' swap files, producers' temp files); anything
 * else → unsupported, quarantined. Extensions are case-sensitive, like the
 * rest of a Unix file name.
 */
export function classifyEventFileName(name: string): EventFileKind {
  if (name.startsWith(".")) return "hidden";
  return eventFileFormat(name) ? "event" : "unsupported";
}

/** `json` for `.json`, `yaml` for `.yaml`/`.yml`, else undefined. */
export function eventFileFormat(name: string): EventFileFormat | undefined {
  const extension = EVENT_FILE_EXTENSIONS.find((ext) => name.endsWith(ext));
  if (!extension || extension.length === name.length) return undefined;
  return extension === ".json" ? "json" : "yaml";
}

/** The name without its event-file extension: the default `EVH_EVENT_ID`. */
export function eventIdFromFileName(name: string): string {
  const extension = EVENT_FILE_EXTENSIONS.find((ext) => name.endsWith(ext));
  return extension ? name.slice(0, -extension.length) : name;
}

/**
 * A file name's bytes for people: valid UTF-8 as text, each other byte as
 * `\xNN` (`b\xff.json`), so that the report shows exactly what was there.
 */
export function showNameBytes(bytes: Buffer): string {
  let text = "";
  let i = 0;
  while (i < bytes.length) {
    const length = utf8Length(bytes[i] ?? 0);
    if (length > 0 && i + length <= bytes.length && isUtf8(bytes.subarray(i, i + length))) {
      text += bytes.toString("utf8", i, i + length);
      i += length;
    } else {
      text += `\\x${(bytes[i] ?? 0).toString(16).padStart(2, "0")}`;
      i += 1;
    }
  }
  return text;
}

/** The length of the UTF-8 sequence a lead byte starts, 0 for a byte no sequence starts with. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}
