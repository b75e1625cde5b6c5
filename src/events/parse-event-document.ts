import type { EventFileFormat } from "./event-file-name.js";
import { parseJsonDocument } from "./parse-json-document.js";
import { parseYamlDocument } from "./parse-yaml-document.js";

/**
 * The data of an event file's text, not yet validated. Maps are plain objects
 * (JSON) or `Map`s (YAML); `validateEvent` reads both.
 */
export function parseEventDocument(text: string, format: EventFileFormat): unknown {
  switch (format) {
    case "json":
      return parseJsonDocument(text);
    case "yaml":
      return parseYamlDocument(text);
    default:
      return assertNever(format);
  }
}

function assertNever(value: never): never {
  throw new Error(`unknown event file format ${String(value)}`);
}
