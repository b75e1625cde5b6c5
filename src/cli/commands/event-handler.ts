import type { Command } from "commander";
import type { EvhConfig } from "../../config/config.js";
import { DuplicateHandlerError } from "../../errors/evh-error.js";
import { createHandler, deleteHandler, updateHandler } from "../handler-editing.js";
import type { HandlerFields } from "../handler-text.js";
import { displayPath, note, say, warn } from "../output.js";
import { numberOf } from "../plesk-ids.js";
import { formatPleskEvents, formatPleskList, formatPleskUsers } from "../plesk-list.js";
import { handlerIdOf, loadNumbered } from "../plesk-numbered.js";
import { PLESK_USAGE, parsePleskArgs, pleskFlag } from "../plesk-syntax.js";
import { configFor, type Done } from "../program.js";

/**
 * `evh event_handler ...`: Plesk's `event_handler` syntax for existing
 * provisioning scripts. Commander hands the words over untouched; the Plesk
 * parser reads them and the same functions as `evh create/update/delete/list`
 * do the work. Handlers are named by Plesk's numbers here (plesk-ids.ts).
 */
export function registerEventHandler(program: Command, done: Done): void {
  program
    .command("event_handler")
    .description("Plesk's `event_handler` syntax: --create -event E -command C ... (see --help)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[words...]")
    .action((words: string[]) => done(eventHandler(words)));
}

async function eventHandler(words: readonly string[]): Promise<number> {
  const { operation, ...common } = parsePleskArgs(words);
  if (operation.op === "help") {
    say(PLESK_USAGE);
    return 0;
  }
  const config = configFor(common);
  switch (operation.op) {
    case "create":
      return create(config, operation.fields, operation.force);
    case "update": {
      const id = await handlerIdOf(config, operation.id);
      const result = await updateHandler(config, id, operation.fields, pleskFlag);
      for (const warning of result.warnings) warn(warning);
      say(await numberText(config, id));
      return 0;
    }
    case "delete":
      await deleteHandler(config, await handlerIdOf(config, operation.id));
      say(operation.id);
      return 0;
    case "list": {
      const { loaded, ids } = await loadNumbered(config);
      const invalid = [...loaded.files.values()].filter((f) => f.status === "failed").length;
      if (loaded.registry.all().length > 0) say(formatPleskList(loaded, ids));
      else note("no handlers");
      if (invalid > 0) {
        note(
          `${invalid} handler file(s) failed to load and are not listed; evh validate shows why`,
        );
      }
      return 0;
    }
    case "list-events":
      say(formatPleskEvents());
      return 0;
    case "list-users":
      say(formatPleskUsers());
      return 0;
    default: {
      const never: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(never)}`);
    }
  }
}

/**
 * `--create`: prints the new handler's number. The same create again (a
 * re-run installer) creates nothing and succeeds, naming the handler that
 * exists (SPEC §6); `-force` creates the duplicate.
 */
async function create(
  config: EvhConfig,
  fields: HandlerFields & { event: string; command: string },
  force: boolean,
): Promise<number> {
  try {
    const result = await createHandler(config, fields, { force, flag: pleskFlag });
    for (const warning of result.warnings) warn(warning);
    say(await numberText(config, result.id));
  } catch (error) {
    if (!(error instanceof DuplicateHandlerError)) throw error;
    const { id, file, line } = error.existing;
    const n = await numberText(config, id);
    note(
      `handler ${n} ("${id}", ${displayPath(file)}:${line}) already runs this command for this event and user: nothing created (-force creates another one)`,
    );
    say(n);
  }
  return 0;
}

/** The handler's Plesk number, numbering it (and any other new handler) now. */
async function numberText(config: EvhConfig, id: string): Promise<string> {
  const { ids } = await loadNumbered(config);
  return String(numberOf(ids, id) ?? id);
}
