import { CommanderError } from "commander";
import { EvhError, toError, UsageError } from "../errors/evh-error.js";
import { endQuietlyOnClosedPipe } from "./closed-pipe.js";
import { COMMANDS, type Register } from "./command-list.js";
import { makeProgram } from "./program.js";
import { systemErrorLine } from "./system-error-line.js";

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
