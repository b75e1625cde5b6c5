import type { Command } from "commander";
import { getCatalogue } from "../../events/catalogue.js";
import type { CatalogueEvent, CatalogueParam } from "../../events/catalogue-types.js";
import { ASCII_SUFFIX, isDomainParam } from "../../events/idn.js";
import { CommandError } from "../cli-error.js";
import { formatTable, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { paramsUncertain } from "./list-events.js";

interface ListParamsOptions extends CommonOptions {
  json?: boolean;
}

/** One variable a handler of the event receives, as `list-params --json` gives it. */
export interface ParamRow {
  /** The environment variable, e.g. `NEW_LOGIN_NAME`. */
  readonly env: string;
  /** The command-line placeholder, e.g. `<new_login_name>`. */
  readonly placeholder: string;
  readonly side: "old" | "new";
  readonly required: boolean;
  readonly title: string;
  /** The `<NAME>_ASCII` variable evh adds for a domain param (SPEC §4), else null. */
  readonly ascii: string | null;
}

/** The variables every handler gets besides the event's params (SPEC §4). */
const EVH_VARS =
  "EVH_EVENT, EVH_EVENT_ID, EVH_EVENT_FILE, EVH_HANDLER_ID, EVH_OCCURRED_AT, EVH_ATTEMPT, EVH_PARAMS_FILE";

/** `evh list-params EVENT`: what a handler of the event gets, as env names and placeholders. */
export function registerListParams(program: Command, done: Done): void {
  withCommon(program.command("list-params"))
    .description("the params of an event: env name, placeholder, old/new, required")
    .argument("<event>", "an event id, e.g. client_create")
    .option("--json", "machine-readable output")
    .action((event: string, options: ListParamsOptions) => done(listParams(event, options)));
}

async function listParams(id: string, options: ListParamsOptions): Promise<number> {
  configFor(options);
  const catalogue = getCatalogue();
  const event = catalogue.find(id);
  if (event === undefined) {
    const guess = catalogue.suggest(id);
    const hint = guess === undefined ? "" : ` (did you mean "${guess}"?)`;
    throw new CommandError(
      `event "${id}" is not in the catalogue${hint}; evh list-events shows the known events`,
    );
  }
  const rows = paramRows(event);
  if (options.json) {
    sayJson({
      event: event.id,
      title: event.title,
      id_status: event.idStatus,
      params_status: event.paramsStatus,
      params: rows,
    });
    return 0;
  }
  say(`${event.id}: ${event.title}`);
  if (rows.length > 0) {
    say();
    const lines = rows.flatMap((r) => {
      const main = [r.env, placeholder(r.env), r.side, r.required ? "yes" : "no", r.title];
      if (r.ascii === null) return [main];
      return [
        main,
        [r.ascii, placeholder(r.ascii), r.side, "-", `${r.title}, ASCII form (by evh)`],
      ];
    });
    say(formatTable(["ENV", "PLACEHOLDER", "OLD/NEW", "REQUIRED", "TITLE"], lines));
  }
  const remarks: string[] = [];
  if (paramsUncertain(event)) {
    remarks.push(
      rows.length === 0
        ? `The reference knows no params of ${event.id} (params_status: ${event.paramsStatus}).`
        : `The reference knows these params only in part (params_status: ${event.paramsStatus}).`,
    );
  }
  if (event.note) remarks.push(`Note: ${event.note}`);
  if (remarks.length > 0) {
    say();
    for (const remark of remarks) say(remark);
  }
  say();
  say(`Every handler also gets ${EVH_VARS}.`);
  return 0;
}

/** OLD_x before NEW_x, in catalogue order, as `Catalogue.paramEnvNames` lists them. */
export function paramRows(event: CatalogueEvent): ParamRow[] {
  return event.params.flatMap((param) => sides(param).map((side) => row(event, param, side)));
}

function sides(param: CatalogueParam): ("old" | "new")[] {
  return [...(param.old ? ["old" as const] : []), ...(param.new ? ["new" as const] : [])];
}

function row(event: CatalogueEvent, param: CatalogueParam, side: "old" | "new"): ParamRow {
  const env = `${side.toUpperCase()}_${param.name}`;
  return {
    env,
    placeholder: placeholder(env),
    side,
    required: param.required,
    title: param.title,
    ascii: isDomainParam(env, event) ? `${env}${ASCII_SUFFIX}` : null,
  };
}

function placeholder(env: string): string {
  return `<${env.toLowerCase()}>`;
}
