import path from "node:path";
import { type Command, Option } from "commander";
import { runAgent } from "../../agent/run-agent.js";
import { LOG_LEVELS, type LogLevel } from "../../config/config.js";
import { closeInheritedDescriptors } from "../../execute/inherited-descriptors.js";
import { AgentLogger } from "../../record/logger.js";
import { ensureTrustedStateDir } from "../../system/trusted-path.js";
import { durationFlagMs } from "../duration-flag.js";
import { type CommonOptions, configFor, withCommon } from "../program.js";

interface RunOptions extends CommonOptions {
  grace?: string;
  logLevel?: LogLevel;
}

/** `evh run`: the agent in the foreground until SIGTERM/SIGINT; SIGHUP reloads and reopens the log. */
export function registerRun(program: Command, done: (status: Promise<number>) => void): void {
  withCommon(program.command("run"))
    .description("run the agent in the foreground (logs to the console and var/log/evh.log)")
    .addOption(
      new Option(
        "--grace <duration>",
        "how long running handlers may finish on SIGTERM (default 30s)",
      ),
    )
    .addOption(new Option("--log-level <level>", "error, warn, info or debug").choices(LOG_LEVELS))
    .action((options: RunOptions) => done(run(options)));
}

async function run(options: RunOptions): Promise<number> {
  let graceMs: number | undefined;
  if (options.grace !== undefined) {
    graceMs = durationFlagMs(options.grace, "--grace");
  }
  const config = configFor(options, { graceMs, logLevel: options.logLevel });
  // Before anything is opened: handlers inherit stdin, stdout and stderr only (SPEC §4).
  const inherited = closeInheritedDescriptors();
  // Created (0700) and checked before anything is written there: the log first of all.
  ensureTrustedStateDir(config.varDir);
  ensureTrustedStateDir(path.dirname(config.logFile));
  const log = new AgentLogger(config.logFile, config.logLevel);
  if (inherited.length > 0) {
    log.logger.debug(`closed descriptors inherited from the parent: ${inherited.join(", ")}`);
  }
  return runAgent(config, log);
}
