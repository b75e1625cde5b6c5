import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { retryFailed } from "../../spool/retry-failed.js";
import { Spool } from "../../spool/spool.js";
import { CommandError } from "../cli-error.js";
import { displayPath, note, say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { failedEventName, isEventIn } from "../spool-names.js";

interface RetryOptions extends CommonOptions {
  all?: boolean;
}

/** `evh retry`: failed events back into new/; the agent re-runs only what failed (SPEC §5). */
export function registerRetry(program: Command, done: Done): void {
  withCommon(program.command("retry"))
    .description("move failed events back to new/ (removing their sidecars); prints their paths")
    .argument("[names...]", "event file names in spool/failed/ (evh queue lists them)")
    .option("--all", "every failed event")
    .action((names: string[], options: RetryOptions) => done(retry(names, options)));
}

async function retry(names: readonly string[], options: RetryOptions): Promise<number> {
  if (options.all && names.length > 0) throw new UsageError("give event names or --all, not both");
  if (!options.all && names.length === 0) {
    throw new UsageError("give the names of failed events (evh status lists them), or --all");
  }
  const config = configFor(options);
  const spool = new Spool(config.spoolDir, config.producerGroup);
  spool.checkTrust();
  const failedDir = path.join(config.spoolDir, "failed");
  let chosen: string[];
  if (options.all) {
    chosen = (await spool.events("failed")).map((e) => e.name);
    if (chosen.length === 0) {
      note(`no failed events in ${displayPath(failedDir)}`);
      return 0;
    }
  } else {
    chosen = [...new Set(names.map((name) => failedEventName(name, spool)))];
    // All or nothing: a typo must not leave half of a batch retried.
    const unknown = chosen.filter((name) => !isEventIn(spool, "failed", name));
    if (unknown.length > 0) {
      throw new CommandError(
        `not in ${displayPath(failedDir)}: ${unknown.join(", ")}; nothing was retried (evh status lists the failures)`,
      );
    }
  }
  for (const name of chosen) {
    const placed = await retryFailed(spool, name);
    if (placed !== undefined) say(placed);
    else note(`${name} left ${displayPath(failedDir)} meanwhile; skipped`);
  }
  return 0;
}
