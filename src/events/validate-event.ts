import { EventDecodeError } from "../errors/evh-error.js";
import { codePointName, findControlChar, kindOf, quote } from "./describe-value.js";
import { closestMatch } from "./did-you-mean.js";
import { EVENT_ID_PATTERN, type EventFileMeta, type EvhEvent } from "./event.js";
import { eventIdFromFileName } from "./event-file-name.js";
import { MAX_ID_LENGTH } from "./limits.js";
import { mapEntries } from "./map-entries.js";
import { parseOccurredAt } from "./occurred-at.js";
import { loneSurrogateReason, validateParams } from "./validate-params.js";

/** The keys an event document may have (SPEC §2). */
export const EVENT_DOCUMENT_KEYS = ["event", "id", "occurred_at", "key", "params"] as const;

const SHAPE = 'a map with "event" and optional "params"';

/**
 * Checks a parsed event document and builds the event the agent runs.
 * Stops at the first problem: one reason, one line, in the sidecar.
 */
export function validateEvent(document: unknown, meta: EventFileMeta): EvhEvent {
  if (document === null || document === undefined) {
    throw new EventDecodeError(`the document is empty; expected ${SHAPE}`);
  }
  const entries = mapEntries(document, "the top level");
  if (!entries) {
    throw new EventDecodeError(`the top level must be ${SHAPE}, got ${kindOf(document)}`);
  }
  const fields = new Map(entries);
  for (const name of fields.keys()) checkKnownKey(name);

  const event = eventName(fields);
  const id = optionalText(fields, "id");
  const key = optionalText(fields, "key");
  const occurredAt = fields.has("occurred_at")
    ? parseOccurredAt(fields.get("occurred_at"))
    : meta.mtime.toISOString();
  const params: Record<string, string> = fields.has("params")
    ? validateParams(fields.get("params"))
    : Object.create(null);
  return Object.freeze({
    event,
    id,
    eventId: id ?? eventIdFromFileName(meta.fileName),
    occurredAt,
    key,
    params: Object.freeze(params),
    file: meta.fileName,
  });
}

function checkKnownKey(name: string): void {
  if ((EVENT_DOCUMENT_KEYS as readonly string[]).includes(name)) return;
  const guess = closestMatch(name, EVENT_DOCUMENT_KEYS);
  const hint = guess ? `; did you mean "${guess}"?` : "";
  throw new EventDecodeError(
    `unknown key ${quote(name)} (allowed: ${EVENT_DOCUMENT_KEYS.join(", ")})${hint}`,
  );
}

function eventName(fields: Map<string, unknown>): string {
  if (!fields.has("event")) {
    throw new EventDecodeError('missing "event" (the event id, e.g. "client_create")');
  }
  const value = fields.get("event");
  if (typeof value !== "string") {
    throw new EventDecodeError(`"event" must be a string, got ${kindOf(value)}`);
  }
  if (!EVENT_ID_PATTERN.test(value)) {
    throw new EventDecodeError(
      `event ${quote(value)} is not a valid event id (expected ${EVENT_ID_PATTERN.source})`,
    );
  }
  return value;
}

/**
 * `id` and `key`: strings, or numbers taken as their text (YAML reads an
 * unquoted `id: 12345` as a number). They land in the journal and log lines,
 * hence the length bound and no control characters.
 */
function optionalText(fields: Map<string, unknown>, name: "id" | "key"): string | undefined {
  if (!fields.has(name)) return undefined;
  const raw = fields.get(name);
  if (typeof raw !== "string" && typeof raw !== "number") {
    throw new EventDecodeError(`"${name}" must be a string, got ${kindOf(raw)}`);
  }
  const value = String(raw);
  if (value === "") throw new EventDecodeError(`"${name}" is empty (leave it out instead)`);
  if (value.length > MAX_ID_LENGTH) {
    throw new EventDecodeError(
      `"${name}" is ${value.length} characters long, over the ${MAX_ID_LENGTH} limit`,
    );
  }
  const control = findControlChar(value);
  if (control !== undefined) {
    throw new EventDecodeError(
      `"${name}" contains a control character (${codePointName(control)})`,
    );
  }
  const lone = loneSurrogateReason(value);
  if (lone) throw new EventDecodeError(`"${name}" contains ${lone}`);
  return value;
}
