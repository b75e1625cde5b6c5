import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { failures } from "../../spool/failures.js";
import { purgeFailed } from "../../spool/purge-failed.js";
import { Spool } from "../../spool/spool.js";
import { CommandError } from "../cli-error.js";
import { durationFlagMs } from "../duration-flag.js";
import { displayPath, note, say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { bareEventName, isEventIn } from "../spool-names.js";
import { show } from "../test-output.js";

interface PurgeOptions extends CommonOptions {
  failed?: boolean;
  olderThan?: string;
}

/** `evh purge`: failed events deleted for good, with their sidecars (Postfix's `postsuper -d`). */
export function registerPurge(program: Command, done: Done): void {
  withCommon(program.command("purge"))
    .description("delete failed events and their sidecars for good; prints the names deleted")
    .argument("[names...]", "event file names in spool/failed/ (evh queue lists them)")
    .option("--failed", "every failed event")
    .option("--older-than <duration>", "with --failed: only those that failed longer ago (7d, 12h)")
    .action((names: string[], options: PurgeOptions) => done(purge(names, options)));
}

async function purge(names: readonly string[], options: PurgeOptions): Promise<number> {
  if (options.failed && names.length > 0) {
    throw new UsageError("give event names or --failed, not both");
  }
  if (!options.failed && names.length === 0) {
    throw new UsageError("give the names of failed events (evh queue lists them), or --failed");
  }
  if (options.olderThan !== undefined && !options.failed) {
    throw new UsageError("--older-than goes with --failed");
  }
  const olderThanMs =
    options.olderThan === undefined ? 0 : durationFlagMs(options.olderThan, "--older-than");
  const chosen = names.map(bareEventName);
  const config = configFor(options);
  const spool = new Spool(config.spoolDir, config.producerGroup);
  spool.checkTrust();
  const failedDir = path.join(config.spoolDir, "failed");
  let targets: string[];
  if (options.failed) {
    const before = Date.now() - olderThanMs;
    // When it failed (the sidecar's `at`), not when its producer wrote it.
    targets = (await failures(spool))
      .filter((f) => (Date.parse(f.at) || 0) <= before)
      .map((f) => f.file);
    if (targets.length === 0) {
      note(`no failed events to purge in ${displayPath(failedDir)}`);
      return 0;
    }
  } else {
    targets = [...new Set(chosen)];
    // All or nothing, as retry: a typo must not leave half of a batch deleted.
    const unknown = targets.filter((name) => !isEventIn(spool, "failed", name));
    if (unknown.length > 0) {
      throw new CommandError(
        `not in ${displayPath(failedDir)}: ${unknown.map(show).join(", ")}; nothing was purged (evh queue --state failed lists the failures)`,
      );
    }
  }
  for (const name of targets) {
    if (purgeFailed(spool, name)) say(show(name));
    else note(`${show(name)} left ${displayPath(failedDir)} meanwhile; skipped`);
  }
  return 0;
}
