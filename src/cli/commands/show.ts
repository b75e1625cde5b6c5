import type { Command } from "commander";
import { Redactor } from "../../record/redact.js";
import { QUEUE_STATES } from "../../spool/queue-entries.js";
import { readSidecar, type SidecarOutcome, sidecarName } from "../../spool/sidecar.js";
import { Spool } from "../../spool/spool.js";
import { readSpooledEvent } from "../../spool/spooled-event.js";
import { ageText } from "../age-text.js";
import { CommandError } from "../cli-error.js";
import { displayPath, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { bareEventName, isEventIn } from "../spool-names.js";
import { show as oneLine } from "../test-output.js";

interface ShowOptions extends CommonOptions {
  json?: boolean;
}

/** `evh show NAME`: one event's fields, params and, when it failed, each handler's outcome. */
export function registerShow(program: Command, done: Done): void {
  withCommon(program.command("show"))
    .description(
      "one event: its fields and params (secrets redacted), each handler's outcome, attempts and stderr tail",
    )
    .argument("<name>", "an event file name in new/, cur/ or failed/ (evh queue lists them)")
    .option("--json", "machine-readable output")
    .action((name: string, options: ShowOptions) => done(showEvent(name, options)));
}

async function showEvent(given: string, options: ShowOptions): Promise<number> {
  const name = bareEventName(given);
  const config = configFor(options);
  const spool = new Spool(config.spoolDir, config.producerGroup);
  spool.checkTrust();
  const state = QUEUE_STATES.find((s) => isEventIn(spool, s, name));
  if (state === undefined) {
    throw new CommandError(
      `no event ${oneLine(name)} in ${displayPath(config.spoolDir)}/{new,cur,failed}; evh queue lists them`,
    );
  }
  const file = spool.path(state, name);
  const mtimeMs = spool.entry(state, name)?.mtimeMs ?? Date.now();
  const read = await readSpooledEvent(spool, state, name, config.maxEventBytes);
  const redactor = new Redactor(config.redact);
  const sidecar =
    state === "failed" ? await readSidecar(spool.path(state, sidecarName(name))) : undefined;
  const report = {
    name,
    state,
    file,
    age_s: Math.max(0, Math.floor((Date.now() - mtimeMs) / 1000)),
    event:
      read.kind === "event"
        ? {
            event: read.event.event,
            id: read.event.id ?? null,
            event_id: read.event.eventId,
            occurred_at: read.event.occurredAt,
            key: read.event.key ?? null,
            subject: read.subject,
            params: redactor.maskVars(read.event.params),
          }
        : null,
    unreadable: read.kind === "unreadable" ? read.reason : null,
    failure:
      sidecar?.kind === "report"
        ? { reason: sidecar.sidecar.reason, detail: sidecar.sidecar.detail, at: sidecar.at ?? null }
        : sidecar?.kind === "unreadable"
          ? { reason: "(the sidecar is not readable JSON)", detail: "", at: null }
          : null,
    outcomes: sidecar?.kind === "report" ? (sidecar.sidecar.outcomes ?? []) : [],
  };
  if (options.json) {
    sayJson(report);
    return 0;
  }
  const field = (label: string, value: string) => say(`${`${label}:`.padEnd(13)}${oneLine(value)}`);
  field("name", name);
  field("state", `${state}  (${displayPath(file)})`);
  field("age", ageText(report.age_s));
  if (report.event) {
    const e = report.event;
    field("event", e.event);
    if (e.id !== null) field("id", e.id);
    field("event id", e.event_id);
    field("occurred at", e.occurred_at);
    if (e.key !== null) field("key", e.key);
    if (e.subject !== null) field("subject", e.subject);
    const params = Object.entries(e.params);
    say(params.length === 0 ? "params:      (none)" : "params:");
    for (const [param, value] of params) say(`  ${param}=${oneLine(value)}`);
  } else if (report.unreadable !== null) {
    field("unreadable", report.unreadable);
  }
  if (report.failure) {
    if (report.failure.at !== null) field("failed at", report.failure.at);
    field("reason", report.failure.reason);
    const { detail, reason } = report.failure;
    if (detail !== "" && detail !== reason) field("detail", detail);
  }
  if (report.outcomes.length > 0) {
    say("handlers:");
    for (const o of report.outcomes) for (const line of outcomeLines(o)) say(line);
  }
  return 0;
}

/** `  crm-sync  failed, exit 3, 2 attempts`, then its stderr tail, line by line, escaped. */
function outcomeLines(o: SidecarOutcome): string[] {
  const how =
    o.signal !== null ? `signal ${o.signal}` : o.exit_code !== null ? `exit ${o.exit_code}` : "";
  const attempts = o.attempts === 1 ? "1 attempt" : `${o.attempts} attempts`;
  const details = [o.outcome, how, o.outcome === "skipped" ? "" : attempts, o.error ?? ""]
    .filter(Boolean)
    .join(", ");
  const lines = [`  ${oneLine(o.handler)}  ${oneLine(details)}`];
  const stderr = o.stderr.replace(/\n$/, "");
  if (stderr !== "") {
    lines.push("    stderr:");
    // Each line escaped: a handler must not be able to act on the administrator's terminal.
    for (const line of stderr.split("\n")) lines.push(`      ${oneLine(line)}`);
  }
  return lines;
}
