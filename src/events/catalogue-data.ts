import type { CatalogueEvent, CatalogueParam } from "./catalogue-types.js";
import { EVENT_ID_PATTERN, PARAM_NAME_PATTERN } from "./event.js";

const ID_STATUSES = ["documented", "observed", "inferred", "guessed"] as const;
const PARAMS_STATUSES = ["documented", "partial", "observed", "inferred", "unknown"] as const;

/**
 * Reads the catalogue data file (data/catalogue.json, built by
 * scripts/build-catalogue.mjs) into frozen events sorted by id. The file
 * ships with evh, so a bad one is a packaging bug: it throws a plain Error
 * naming the file and the entry, and nothing tries to carry on.
 */
export function parseCatalogueData(text: string, source: string): readonly CatalogueEvent[] {
  const fail = (where: string, what: string): never => {
    throw new Error(`built-in catalogue ${source} is invalid: ${where}: ${what}`);
  };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    return fail("JSON", (error as Error).message);
  }
  const list = isRecord(root) ? root.events : undefined;
  if (!Array.isArray(list)) return fail("top level", 'expected a map with an "events" list');

  const events = list.map((raw: unknown, index) => readEvent(raw, `events[${index}]`, fail));
  const ids = new Set<string>();
  for (const event of events) {
    if (ids.has(event.id)) fail(event.id, "id appears twice");
    ids.add(event.id);
  }
  return Object.freeze(events.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}

type Fail = (where: string, what: string) => never;

function readEvent(raw: unknown, where: string, fail: Fail): CatalogueEvent {
  if (!isRecord(raw)) return fail(where, "expected a map");
  const id = text(raw.id, `${where}.id`, fail);
  if (!EVENT_ID_PATTERN.test(id)) fail(where, `bad id ${JSON.stringify(id)}`);
  const at = `${where} (${id})`;
  if (!Array.isArray(raw.params)) return fail(at, "params must be a list");
  const params = raw.params.map((p: unknown, i) => readParam(p, `${at}.params[${i}]`, fail));
  const subject = raw.subject === undefined ? undefined : text(raw.subject, `${at}.subject`, fail);
  if (subject !== undefined && !PARAM_NAME_PATTERN.test(subject)) fail(at, "bad subject");
  const note = raw.note === undefined ? undefined : text(raw.note, `${at}.note`, fail);
  return Object.freeze({
    id,
    title: text(raw.title, `${at}.title`, fail),
    params: Object.freeze(params),
    subject,
    idStatus: oneOf(raw.id_status, ID_STATUSES, `${at}.id_status`, fail),
    paramsStatus: oneOf(raw.params_status, PARAMS_STATUSES, `${at}.params_status`, fail),
    ...(note === undefined ? {} : { note }),
  });
}

function readParam(raw: unknown, where: string, fail: Fail): CatalogueParam {
  if (!isRecord(raw)) return fail(where, "expected a map");
  const name = text(raw.name, `${where}.name`, fail);
  if (!PARAM_NAME_PATTERN.test(name)) fail(where, `bad name ${JSON.stringify(name)}`);
  const flag = (key: "old" | "new" | "required"): boolean =>
    typeof raw[key] === "boolean" ? raw[key] : fail(`${where}.${key}`, "expected true or false");
  return Object.freeze({
    name,
    old: flag("old"),
    new: flag("new"),
    required: flag("required"),
    title: typeof raw.title === "string" ? raw.title : "",
    type:
      raw.type === undefined
        ? "string"
        : oneOf(raw.type, ["domain", "string"] as const, `${where}.type`, fail),
  });
}

function text(value: unknown, where: string, fail: Fail): string {
  return typeof value === "string" && value !== ""
    ? value
    : fail(where, "expected a non-empty string");
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  where: string,
  fail: Fail,
): T {
  const found = allowed.find((candidate) => candidate === value);
  return (
    found ?? fail(where, `expected one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
