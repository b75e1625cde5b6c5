import type { Command } from "commander";
import { getCatalogue } from "../../events/catalogue.js";
import type { CatalogueEvent } from "../../events/catalogue-types.js";
import { formatTable, say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface ListEventsOptions extends CommonOptions {
  json?: boolean;
}

/** Ids the reference did not find in Plesk's documentation nor see in use. */
export function idUncertain(event: CatalogueEvent): boolean {
  return event.idStatus === "inferred" || event.idStatus === "guessed";
}

/** Params the reference knows only in part, or not at all. */
export function paramsUncertain(event: CatalogueEvent): boolean {
  return event.paramsStatus !== "documented" && event.paramsStatus !== "observed";
}

/** `evh list-events`: the built-in catalogue (SPEC §7). */
export function registerListEvents(program: Command, done: Done): void {
  withCommon(program.command("list-events"))
    .description("the catalogue's events with titles")
    .option("--json", "machine-readable output")
    .action((options: ListEventsOptions) => done(listEvents(options)));
}

async function listEvents(options: ListEventsOptions): Promise<number> {
  configFor(options); // a bad --config is reported the same way by every command
  say(formatEvents(options.json === true));
  return 0;
}

/** The catalogue as `list-events` (and `event_handler --list-events`) prints it. */
export function formatEvents(json: boolean): string {
  const events = getCatalogue().events();
  if (json) {
    return JSON.stringify(
      events.map((e) => ({
        id: e.id,
        title: e.title,
        id_status: e.idStatus,
        params_status: e.paramsStatus,
      })),
      null,
      2,
    );
  }
  const table = formatTable(
    ["ID", "?", "TITLE"],
    events.map((e) => [
      e.id,
      `${idUncertain(e) ? "?" : " "}${paramsUncertain(e) ? "~" : " "}`,
      e.title,
    ]),
  );
  return `${table}

?  the event id is inferred or guessed, not documented nor observed: confirm it with
   \`plesk bin event_handler --list-events\` on your Plesk server
~  its params are known only in part, or not at all (evh list-params EVENT)`;
}
