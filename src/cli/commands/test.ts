import { type Command, Option } from "commander";
import type { EvhConfig } from "../../config/config.js";
import { UsageError } from "../../errors/evh-error.js";
import { getCatalogue } from "../../events/catalogue.js";
import { asciiForms } from "../../events/idn.js";
import { paramsKeptOutOfEnv } from "../../execute/build-env.js";
import { isFailure, type RunRecord } from "../../record/outcome.js";
import { Redactor } from "../../record/redact.js";
import { Spool } from "../../spool/spool.js";
import {
  type EventInput,
  eventFromArgs,
  eventFromFile,
  eventWarnings,
  paramsWithStdin,
} from "../event-input.js";
import { type LoadedHandlers, loadHandlers } from "../loaded-handlers.js";
import { displayPath, say, sayJson, warn } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import type { ExecRun } from "../test-exec.js";
import { formatPlanned, formatRecord, plannedJson, show } from "../test-output.js";
import { planTest } from "../test-plan.js";

interface TestOptions extends CommonOptions {
  file?: string;
  params?: string;
  id?: string;
  key?: string;
  exec?: boolean;
  json?: boolean;
}

/** `evh test`: what the agent would run for an event, and with `--exec`, run it now. */
export function registerTest(program: Command, done: Done): void {
  withCommon(program.command("test"))
    .description(
      "dry run: the handlers that would run, in order, with argv, user, cwd and env; --exec runs them",
    )
    .argument("[event]", "the event id, e.g. client_create")
    .argument("[params...]", "params as NAME=VALUE")
    .addOption(new Option("--file <file>", "take the event from a .json, .yaml or .yml file"))
    .addOption(
      new Option(
        "--params <source>",
        "- reads more params as NAME=VALUE lines from standard input (keeps passwords off the command line)",
      ),
    )
    .addOption(new Option("--id <id>", "the event's id (EVH_EVENT_ID)"))
    .addOption(new Option("--key <key>", "the ordering key"))
    .option("--exec", "run the handlers now, outside the spool; exit 1 if any fails")
    .option("--json", "machine-readable output")
    .action((event: string | undefined, params: string[], options: TestOptions) =>
      done(test(event, params, options)),
    );
}

async function test(
  eventId: string | undefined,
  params: readonly string[],
  options: TestOptions,
): Promise<number> {
  const config = configFor(options);
  const input = await readInput(config, eventId, params, options);
  const loaded = loadHandlers(config);
  const warnings = [...eventWarnings(input.event), ...brokenFiles(loaded)];
  for (const warning of warnings) warn(warning);
  const redactor = new Redactor(config.redact);
  const { event } = input;
  const extraVars = asciiForms(event.params, getCatalogue().find(event.event)).vars;
  // The process runner is loaded only when something is run: a dry run stays quick.
  const run: ExecRun | undefined = options.exec
    ? await (await import("../test-exec.js")).ExecRun.open(input)
    : undefined;
  try {
    const eventFile = run?.eventFile ?? new Spool(config.spoolDir).path("cur", event.file);
    const keptOut = paramsKeptOutOfEnv(event.params);
    const plan = planTest(loaded, { event, eventFile, extraVars, redactor });
    const shownEvent = {
      event: event.event,
      id: event.id ?? null,
      event_id: event.eventId,
      occurred_at: event.occurredAt,
      key: event.key ?? null,
      params: redactor.maskVars(event.params),
    };
    if (!options.json) {
      say(`event ${event.event}, EVH_EVENT_ID ${event.eventId}`);
      for (const [name, value] of Object.entries(shownEvent.params))
        say(`  ${name}=${show(value)}`);
      if (keptOut.length > 0) say(keptOutLine(keptOut));
      say(
        plan.length === 0
          ? "no handler matches this event"
          : `${plan.length === 1 ? "1 handler matches" : `${plan.length} handlers match`}, in run order:`,
      );
    }
    const results: (RunRecord | undefined)[] = [];
    let failed = false;
    for (const [index, planned] of plan.entries()) {
      if (!options.json) say(formatPlanned(index + 1, planned));
      const record = run && (await run.execute(planned, event, loaded, extraVars, redactor));
      results.push(record);
      if (record && isFailure(record.outcome)) failed = true;
      if (record && !options.json) say(formatRecord(record));
    }
    if (options.json) {
      sayJson({
        event: shownEvent,
        warnings,
        params_not_in_env: keptOut,
        handlers: plan.map((p, i) => plannedJson(p, results[i])),
      });
    }
    return failed ? 1 : 0;
  } finally {
    await run?.close();
  }
}

/** Why some params are missing from every handler's env below: said once, with where they went instead. */
function keptOutLine(names: readonly string[]): string {
  return `  not in the environment: ${names.join(", ")} (only OLD_* and NEW_* params become variables; the others reach a handler through <name> placeholders, stdin: json and EVH_PARAMS_FILE)`;
}

/** Files that fail to load take no part: say so, or a missing handler would be a mystery. */
function brokenFiles(loaded: LoadedHandlers): string[] {
  return [...loaded.files.values()]
    .filter((state) => state.status !== "loaded")
    .map(
      (state) =>
        `${displayPath(state.file)} fails to load, so its handlers are left out (evh validate shows why)`,
    );
}

async function readInput(
  config: EvhConfig,
  eventId: string | undefined,
  params: readonly string[],
  options: TestOptions,
): Promise<EventInput> {
  if (options.file === undefined) {
    if (eventId === undefined) {
      throw new UsageError("missing EVENT (e.g. evh test client_create NEW_LOGIN_NAME=jdoe)");
    }
    return eventFromArgs(
      config,
      eventId,
      await paramsWithStdin(config, params, options.params),
      options,
    );
  }
  if (
    eventId !== undefined ||
    options.id !== undefined ||
    options.key !== undefined ||
    options.params !== undefined
  ) {
    throw new UsageError(
      "--file takes the event as it is: give no EVENT, params, --params, --id or --key with it",
    );
  }
  return eventFromFile(config, options.file);
}
