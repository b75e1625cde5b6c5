import { type Command, Option } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { emitBytes } from "../../spool/emit-event.js";
import {
  type EventInput,
  eventFromArgs,
  eventFromFile,
  eventWarnings,
  paramsWithStdin,
} from "../event-input.js";
import { say, warn } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface EmitOptions extends CommonOptions {
  file?: string;
  params?: string;
  fromEnv?: boolean;
  id?: string;
  key?: string;
}

/** `evh emit`: validate an event as the agent will, then spool it via tmp/ and rename (SPEC §2). */
export function registerEmit(program: Command, done: Done): void {
  withCommon(program.command("emit"))
    .description("drop an event into the spool the safe way; prints the path of the spooled file")
    .argument("[event]", "the event id, e.g. client_create")
    .argument("[params...]", "params as NAME=VALUE, e.g. NEW_LOGIN_NAME=jdoe")
    .addOption(
      new Option(
        "--file <file>",
        "send a prepared .json, .yaml or .yml event file (- reads it from standard input)",
      ),
    )
    .addOption(
      new Option(
        "--params <source>",
        "- reads more params as NAME=VALUE lines from standard input (keeps passwords off the command line)",
      ),
    )
    .addOption(new Option("--id <id>", "the event's idempotency id (a repeat is dropped)"))
    .addOption(new Option("--key <key>", "the ordering key (default: the event's subject)"))
    .addOption(
      new Option("--from-env", "take the params from the OLD_*/NEW_* environment (docs/plesk.md)"),
    )
    .action((event: string | undefined, params: string[], options: EmitOptions) =>
      done(emit(event, params, options)),
    );
}

async function emit(
  event: string | undefined,
  params: readonly string[],
  options: EmitOptions,
): Promise<number> {
  if (options.fromEnv) return emitFromEnvCommand(event, params, options);
  const config = configFor(options);
  let input: EventInput;
  if (options.file !== undefined) {
    if (
      event !== undefined ||
      options.id !== undefined ||
      options.key !== undefined ||
      options.params !== undefined
    ) {
      throw new UsageError(
        "--file sends the file as it is: give no EVENT, params, --params, --id or --key with it",
      );
    }
    input = await eventFromFile(config, options.file);
  } else {
    if (event === undefined) {
      throw new UsageError("missing EVENT (e.g. evh emit client_create NEW_LOGIN_NAME=jdoe)");
    }
    const all = await paramsWithStdin(config, params, options.params);
    input = eventFromArgs(config, event, all, options);
  }
  for (const warning of eventWarnings(input.event)) warn(warning);
  const allowGroupWrite = config.producerGroup !== undefined;
  say(await emitBytes(config.spoolDir, input.bytes, input.ext, { allowGroupWrite }));
  return 0;
}

/** bin/evh runs `--from-env` without commander; this is the same command for `main()` callers. */
async function emitFromEnvCommand(
  event: string | undefined,
  params: readonly string[],
  options: EmitOptions,
): Promise<number> {
  const args = ["--from-env", ...(event === undefined ? [] : [event]), ...params];
  if (options.root !== undefined) args.push("--root", options.root);
  if (options.config !== undefined) args.push("--config", options.config);
  if (options.file !== undefined || options.id !== undefined || options.key !== undefined) {
    throw new UsageError(
      "--from-env takes the params from the environment only: no --file, --id or --key",
    );
  }
  const { emitFromEnvMain } = await import("../emit-from-env.js");
  return emitFromEnvMain(args);
}
