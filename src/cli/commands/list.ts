import type { Command } from "commander";
import { formatHandlerRows, handlerRows } from "../handler-rows.js";
import { loadHandlers } from "../loaded-handlers.js";
import { displayPath, note, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface ListOptions extends CommonOptions {
  json?: boolean;
}

/** `evh list`: every handler with its state, as a starting agent would load them. */
export function registerList(program: Command, done: Done): void {
  withCommon(program.command("list"))
    .description("all handlers: id, event, priority, user, command, file, state")
    .option("--json", "machine-readable output")
    .action((options: ListOptions) => done(list(options)));
}

async function list(options: ListOptions): Promise<number> {
  const config = configFor(options);
  const rows = handlerRows(loadHandlers(config));
  if (options.json) {
    sayJson(rows);
  } else if (rows.length === 0) {
    note(`no handlers in ${displayPath(config.handlersDir)}`);
  } else {
    say(formatHandlerRows(rows));
  }
  return 0;
}
