import { CommanderError } from "commander";
import { EvhError, toError, UsageError } from "../errors/evh-error.js";
import { registerRun } from "./commands/run.js";
import { makeProgram } from "./program.js";

/**
 * Runs the CLI and returns the exit status: 0 success, 1 failure, 2 bad usage
 * (SPEC §6). Errors are one line on stderr: what, where, what to do.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let status: Promise<number> = Promise.resolve(0);
  const program = makeProgram();
  const done = (s: Promise<number>) => {
    status = s;
  };
  registerRun(program, done);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return await status;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // --help and --version exit 0; commander already printed its one-line error otherwise.
      return thrown.exitCode === 0 ? 0 : 2;
    }
    const error = toError(thrown);
    process.stderr.write(`evh: ${error.message}\n`);
    if (error instanceof UsageError) return 2;
    if (!(error instanceof EvhError) && process.env.EVH_DEBUG)
      process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
