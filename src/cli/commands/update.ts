import { type Command, Option } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { updateHandler } from "../handler-editing.js";
import { type HandlerFields, longFlag, priorityFlag, timeoutFlag } from "../handler-text.js";
import { say, warn } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface UpdateFlags extends CommonOptions {
  event?: string;
  command?: string;
  priority?: string;
  user?: string;
  timeout?: string;
  enabled?: "true" | "false";
}

/** `evh update ID`: changes keys of a handler that `evh create` wrote. */
export function registerUpdate(program: Command, done: Done): void {
  withCommon(program.command("update"))
    .description("change a handler defined by evh create; prints its id")
    .argument("<id>", "the handler id (evh list shows them)")
    .addOption(new Option("--event <event>", "event id or glob"))
    .addOption(new Option("--command <command>", "the command"))
    .addOption(new Option("--priority <p>", "0..100 or lowest|low|normal|high|highest"))
    .addOption(new Option("--user <user>", "system user to run as"))
    .addOption(new Option("--timeout <duration>", "e.g. 30s, 5m; 0 for none"))
    .addOption(new Option("--enabled <bool>", "true or false").choices(["true", "false"]))
    .action((id: string, flags: UpdateFlags) => done(update(id, flags)));
}

async function update(id: string, flags: UpdateFlags): Promise<number> {
  const config = configFor(flags);
  const fields: HandlerFields = {
    ...(flags.event === undefined ? {} : { event: flags.event }),
    ...(flags.priority === undefined
      ? {}
      : { priority: priorityFlag(flags.priority, "--priority") }),
    ...(flags.user === undefined ? {} : { user: flags.user }),
    ...(flags.command === undefined ? {} : { command: flags.command }),
    ...(flags.timeout === undefined ? {} : { timeout: timeoutFlag(flags.timeout, "--timeout") }),
    ...(flags.enabled === undefined ? {} : { enabled: flags.enabled === "true" }),
  };
  if (Object.keys(fields).length === 0) {
    throw new UsageError(
      "nothing to change: give at least one of --event, --command, --priority, --user, --timeout, --enabled",
    );
  }
  const result = await updateHandler(config, id, fields, longFlag);
  for (const warning of result.warnings) warn(warning);
  say(result.id);
  return 0;
}
