import type { Command } from "commander";
import { createHandler, deleteHandler, updateHandler } from "../handler-editing.js";
import { formatHandlerRows, handlerRows } from "../handler-rows.js";
import { loadHandlers } from "../loaded-handlers.js";
import { note, say, warn } from "../output.js";
import { PLESK_USAGE, parsePleskArgs, pleskFlag } from "../plesk-syntax.js";
import { configFor, type Done } from "../program.js";
import { formatEvents } from "./list-events.js";
import { formatUsers } from "./list-users.js";

/**
 * `evh event_handler ...`: Plesk's `event_handler` syntax for existing
 * provisioning scripts. Commander hands the words over untouched; the Plesk
 * parser reads them and the same functions as `evh create/update/delete/list`
 * do the work.
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
    case "create": {
      const result = await createHandler(config, operation.fields, {
        force: operation.force,
        flag: pleskFlag,
      });
      for (const warning of result.warnings) warn(warning);
      say(result.id);
      return 0;
    }
    case "update": {
      const result = await updateHandler(config, operation.id, operation.fields, pleskFlag);
      for (const warning of result.warnings) warn(warning);
      say(result.id);
      return 0;
    }
    case "delete":
      await deleteHandler(config, operation.id);
      say(operation.id);
      return 0;
    case "list": {
      const rows = handlerRows(loadHandlers(config));
      if (rows.length === 0) note("no handlers");
      else say(formatHandlerRows(rows));
      return 0;
    }
    case "list-events":
      say(formatEvents(false));
      return 0;
    case "list-users":
      say(formatUsers(false));
      return 0;
    default: {
      const never: never = operation;
      throw new Error(`unknown operation ${JSON.stringify(never)}`);
    }
  }
}
