#!/usr/bin/env node
/**
 * Builds data/catalogue.json, evh's built-in event catalogue (SPEC §7), from
 * data/plesk-events.yaml: evh's own copy of the research list of Plesk events
 * (../shared/plesk-events.yaml, outside the repo) with the additions public
 * material supports, each naming its source. Both files are committed; the
 * JSON is what evh reads (a YAML parser at every start costs too much).
 *
 *   node scripts/build-catalogue.mjs [path/to/plesk-events.yaml [output.json]]
 *
 * Deterministic: events sorted by id, params in source order (the order is
 * meaningful: the default subject is the first required param), fixed field
 * order, no timestamps. The header names the source by file name and SHA-256.
 *
 * What it adds to the source: `type: domain` on params holding a domain name
 * (they get a `<NAME>_ASCII` IDN form, SPEC §4) and `subject`, the param whose
 * value orders events of the same object (SPEC §5). What it drops: `era` and
 * `source` (research bookkeeping), and notes that only say "unknown" (the
 * `params_status` says it already).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = process.argv[2] ?? path.join(HERE, "../data/plesk-events.yaml");
const TARGET = process.argv[3] ?? path.join(HERE, "../data/catalogue.json");

const ID_STATUSES = ["documented", "observed", "inferred", "guessed"];
const PARAMS_STATUSES = ["documented", "partial", "observed", "inferred", "unknown"];
const EVENT_ID = /^[a-z][a-z0-9_]{0,63}$/;
const PARAM_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Params that hold a domain name without ending in DOMAIN_NAME (those are
 * domains by rule, SPEC §4). A DNS record's host is a domain name too
 * (`www.example.com.`), and its IDN form is what a DNS sync script needs.
 */
const DOMAIN_PARAMS = new Set(["DOMAIN_ALIAS_NAME", "HOSTNAME"]);

/**
 * The subject of an event family: the identity its events share, by id
 * prefix, longest prefix first. Children order with their parent domain, so a
 * subdomain's or hosting's events never overtake the subscription's own:
 * `subdomain_create` is keyed by the parent DOMAIN_NAME, not SUBDOMAIN_NAME.
 * Candidates are tried in order; see `subjectOf` for when one applies.
 */
const FAMILY_SUBJECTS = [
  ["domain_alias_", ["DOMAIN_ALIAS_NAME"]],
  ["site_alias_", ["DOMAIN_ALIAS_NAME"]],
  ["domain_", ["DOMAIN_NAME"]],
  ["site_", ["DOMAIN_NAME"]],
  ["subdomain_", ["DOMAIN_NAME"]],
  ["phys_hosting_", ["DOMAIN_NAME"]],
  ["forwarding_", ["DOMAIN_NAME"]],
  ["ftpuser_", ["DOMAIN_NAME"]],
  ["dns_record_", ["DOMAIN_NAME"]],
  ["client_", ["LOGIN_NAME", "CONTACT_NAME"]],
  ["reseller_", ["LOGIN_NAME"]],
  ["admin_", ["LOGIN_NAME"]],
  ["mailname_", ["MAILNAME"]],
  ["service_", ["SERVICE"]],
  ["ip_address_", ["IP_ADDRESS"]],
];

/**
 * A family candidate the event lists wins. When the event's param list is
 * known to be incomplete (partial, unknown), the family's first candidate is
 * still the best guess of what Plesk sends. Otherwise the first required
 * param (SPEC §5's default), else none: such events are keyed by their name.
 */
function subjectOf(event) {
  const names = event.params.map((p) => p.name);
  const family = FAMILY_SUBJECTS.find(([prefix]) => event.id.startsWith(prefix))?.[1] ?? [];
  const listed = family.find((name) => names.includes(name));
  if (listed) return listed;
  const incomplete = event.params_status === "partial" || event.params_status === "unknown";
  if (incomplete && family[0]) return family[0];
  return event.params.find((p) => p.required)?.name;
}

function isDomain(name) {
  return name.endsWith("DOMAIN_NAME") || DOMAIN_PARAMS.has(name);
}

function cleanNote(note) {
  if (typeof note !== "string") return undefined;
  const text = note.replace(/^unknown( - |$)/, "").trim();
  return text === "" ? undefined : text;
}

function fail(message) {
  console.error(`build-catalogue: ${SOURCE}: ${message}`);
  process.exit(1);
}

function check(event, index) {
  const where = `event ${index + 1} (${event?.id ?? "no id"})`;
  if (!EVENT_ID.test(event?.id ?? "")) fail(`${where}: bad id`);
  if (typeof event.title !== "string" || event.title === "") fail(`${where}: no title`);
  if (!ID_STATUSES.includes(event.id_status)) fail(`${where}: bad id_status ${event.id_status}`);
  if (!PARAMS_STATUSES.includes(event.params_status)) {
    fail(`${where}: bad params_status ${event.params_status}`);
  }
  if (!Array.isArray(event.params)) fail(`${where}: params is not a list`);
  for (const p of event.params) {
    if (!PARAM_NAME.test(p?.name ?? "")) fail(`${where}: bad param name ${p?.name}`);
    for (const flag of ["old", "new", "required"]) {
      if (typeof p[flag] !== "boolean") fail(`${where}: param ${p.name}: ${flag} is not a boolean`);
    }
    if (!p.old && !p.new) fail(`${where}: param ${p.name} is neither old nor new`);
  }
  const names = event.params.map((p) => p.name);
  if (new Set(names).size !== names.length) fail(`${where}: repeated param name`);
}

function build(source) {
  if (!Array.isArray(source)) fail("expected a list of events");
  source.forEach(check);
  const ids = source.map((e) => e.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) fail(`event id ${repeated} appears twice`);

  return [...source]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((event) => {
      const out = { id: event.id, title: event.title };
      out.id_status = event.id_status;
      out.params_status = event.params_status;
      const subject = subjectOf(event);
      if (subject) out.subject = subject;
      const note = cleanNote(event.note);
      if (note) out.note = note;
      out.params = event.params.map((p) => ({
        name: p.name,
        old: p.old,
        new: p.new,
        required: p.required,
        title: p.title ?? "",
        ...(isDomain(p.name) ? { type: "domain" } : {}),
      }));
      return out;
    });
}

const text = readFileSync(SOURCE, "utf8");
const events = build(parse(text));
const sha = createHash("sha256").update(text).digest("hex");
const comment = [
  "GENERATED by scripts/build-catalogue.mjs; do not edit by hand.",
  `Source: ${path.basename(SOURCE)} (sha256 ${sha}),`,
  "facts gathered from Plesk's public documentation, extension code and handler scripts.",
  "Per event: id, title, id_status (documented | observed | inferred | guessed: how sure",
  "the id is), params_status (documented | partial | observed | inferred | unknown), subject",
  "(the base param name whose value is the default ordering key, SPEC §5), note, and params",
  "{name, old, new, required, title, type: domain for IDN params}. Env names are OLD_<name>",
  "and NEW_<name>.",
];
// JSON, because every evh command reads it at start: JSON.parse takes well under a
// millisecond where a YAML parser takes hundreds. One line per event head and per
// param keeps the file readable and its diffs small.
const line = (object) =>
  `{${Object.entries(object)
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(", ")}}`;
const eventText = ({ params, ...head }) => {
  const items = params.map((p) => `        ${line(p)}`).join(",\n");
  const headText = line(head).slice(0, -1);
  return params.length === 0
    ? `    ${headText}, "params": []}`
    : `    ${headText}, "params": [\n${items}\n      ]}`;
};
const output = `{\n  "comment": ${JSON.stringify(comment, null, 4).replace(/\n]/, "\n  ]")},\n  "events": [\n${events.map(eventText).join(",\n")}\n  ]\n}\n`;
writeFileSync(TARGET, output);
console.log(
  `build-catalogue: wrote ${events.length} events to ${path.relative(process.cwd(), TARGET)}`,
);
