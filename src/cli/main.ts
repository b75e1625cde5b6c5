import type { Command } from "commander";
import { CommanderError } from "commander";
import { EvhError, toError, UsageError } from "../errors/evh-error.js";
import { endQuietlyOnClosedPipe } from "./closed-pipe.js";
import { makeProgram } from "./program.js";
import { systemErrorLine } from "./system-error-line.js";

/** A command's registration: defines its options and reports its exit status through `done`. */
type Register = (program: Command, done: (status: Promise<number>) => void) => void;

/**
 * Every command, in the order `evh --help` lists them. Loaded on demand: a
 * command pulls in only what it uses (`evh list` needs no process runner,
 * `evh emit` no handler loader), which keeps short commands quick.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import("./commands/run.js")).registerRun,
  emit: async () => (await import("./commands/emit.js")).registerEmit,
  create: async () => (await import("./commands/create.js")).registerCreate,
  update: async () => (await import("./commands/update.js")).registerUpdate,
  delete: async () => (await import("./commands/delete.js")).registerDelete,
  list: async () => (await import("./commands/list.js")).registerList,
  "list-events": async () => (await import("./commands/list-events.js")).registerListEvents,
  "list-params": async () => (await import("./commands/list-params.js")).registerListParams,
  "list-users": async () => (await import("./commands/list-users.js")).registerListUsers,
  validate: async () => (await import("./commands/validate.js")).registerValidate,
  test: async () => (await import("./commands/test.js")).registerTest,
  status: async () => (await import("./commands/status.js")).registerStatus,
  retry: async () => (await import("./commands/retry.js")).registerRetry,
  init: async () => (await import("./commands/init.js")).registerInit,
  config: async () => (await import("./commands/config.js")).registerConfig,
  event_handler: async () => (await import("./commands/event-handler.js")).registerEventHandler,
  plesk: async () => (await import("./commands/plesk.js")).registerPlesk,
};

/**
 * Runs the CLI and returns the exit status: 0 success, 1 failure, 2 bad usage
 * (SPEC §6). Errors are one line on stderr: what, where, what to do.
 */
export async function main(argv: readonly string[]): Promise<number> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  let status: Promise<number> = Promise.resolve(0);
  const program = makeProgram();
  const done = (s: Promise<number>) => {
    status = s;
  };
  try {
    // A known command registers alone; anything else (help, a typo) needs them all.
    const first = argv[0];
    const names =
      first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
    for (const name of names) (await (COMMANDS[name] as () => Promise<Register>)())(program, done);
    await program.parseAsync([...argv], { from: "user" });
    return await status;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // --help and --version exit 0; commander already printed its one-line error otherwise.
      return thrown.exitCode === 0 ? 0 : 2;
    }
    const error = toError(thrown);
    // A bad evh.yaml lists every problem, one a line: each gets the prefix.
    const lines = (systemErrorLine(error) ?? error.message).split("\n");
    process.stderr.write(lines.map((line) => `evh: ${line}\n`).join(""));
    if (error instanceof UsageError) return 2;
    if (!(error instanceof EvhError) && process.env.EVH_DEBUG)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
