import { type Command, Option } from "commander";
import { createHandler } from "../handler-editing.js";
import { type HandlerFields, longFlag, priorityFlag, timeoutFlag } from "../handler-text.js";
import { say, warn } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface CreateFlags extends CommonOptions {
  event: string;
  command: string;
  priority?: string;
  user?: string;
  id?: string;
  timeout?: string;
  force?: boolean;
}

/** `evh create`: Plesk's `event_handler --create`, as a drop-in file in handlers.d/. */
export function registerCreate(program: Command, done: Done): void {
  withCommon(program.command("create"))
    .description("write handlers.d/<id>.yaml atomically; prints the id")
    .requiredOption("--event <event>", "event id or glob, e.g. client_create or 'domain_*'")
    .requiredOption("--command <command>", "the command, split into words like a shell does")
    .addOption(new Option("--priority <p>", "0..100 or lowest|low|normal|high|highest"))
    .addOption(new Option("--user <user>", "system user to run as (default: the agent's own)"))
    .addOption(new Option("--id <id>", "handler id and file name (default: <event>-<n>)"))
    .addOption(new Option("--timeout <duration>", "e.g. 30s, 5m; 0 for none (default 5m)"))
    .addOption(new Option("--force", "create it even if the same event, user and command exist"))
    .action((flags: CreateFlags) => done(create(flags)));
}

async function create(flags: CreateFlags): Promise<number> {
  const config = configFor(flags);
  const fields: HandlerFields & { event: string; command: string } = {
    event: flags.event,
    command: flags.command,
    ...(flags.priority === undefined
      ? {}
      : { priority: priorityFlag(flags.priority, "--priority") }),
    ...(flags.user === undefined ? {} : { user: flags.user }),
    ...(flags.timeout === undefined ? {} : { timeout: timeoutFlag(flags.timeout, "--timeout") }),
  };
  const result = await createHandler(config, fields, {
    id: flags.id,
    force: flags.force === true,
    flag: longFlag,
  });
  for (const warning of result.warnings) warn(warning);
  say(result.id);
  return 0;
}
