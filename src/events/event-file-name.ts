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
