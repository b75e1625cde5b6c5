import type { Command } from "commander";
import { deleteHandler } from "../handler-editing.js";
import { say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

/** `evh delete ID`: removes a handler that `evh create` wrote. */
export function registerDelete(program: Command, done: Done): void {
  withCommon(program.command("delete"))
    .description("remove a handler defined by evh create; prints its id")
    .argument("<id>", "the handler id (evh list shows them)")
    .action((id: string, options: CommonOptions) => done(remove(id, options)));
}

async function remove(id: string, options: CommonOptions): Promise<number> {
  await deleteHandler(configFor(options), id);
  say(id);
  return 0;
}
