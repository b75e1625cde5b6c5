import { lstatSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { errnoCode, UsageError } from "../../errors/evh-error.js";
import { keepPrivate } from "../../spool/private-file.js";
import { isSidecar, SIDECAR_SUFFIX, sidecarName } from "../../spool/sidecar.js";
import { Spool } from "../../spool/spool.js";
import { CommandError } from "../cli-error.js";
import { displayPath, note, say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { isEventName, listEvents } from "../spool-report.js";

interface RetryOptions extends CommonOptions {
  all?: boolean;
}

/** `evh retry`: failed events back into new/; the agent re-runs only what failed (SPEC §5). */
export function registerRetry(program: Command, done: Done): void {
  withCommon(program.command("retry"))
    .description("move failed events back to new/ (removing their sidecars); prints their paths")
    .argument("[names...]", "event file names in spool/failed/ (evh status lists them)")
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
    chosen = (await listEvents(spool, "failed")).map((e) => e.name);
    if (chosen.length === 0) {
      note(`no failed events in ${displayPath(failedDir)}`);
      return 0;
    }
  } else {
    chosen = [...new Set(names.map((name) => eventName(name, failedDir)))];
    // All or nothing: a typo must not leave half of a batch retried.
    const unknown = chosen.filter((name) => !inFailed(spool, name));
    if (unknown.length > 0) {
      throw new CommandError(
        `not in ${displayPath(failedDir)}: ${unknown.join(", ")}; nothing was retried (evh status lists the failures)`,
      );
    }
  }
  for (const name of chosen) {
    // Sidecar first: once the event is in new/, the agent may fail it again and write a fresh one.
    await spool.remove("failed", sidecarName(name));
    try {
      keepPrivate(spool.path("failed", name));
      say(spool.path("new", await spool.move(name, "failed", "new")));
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
      note(`${name} left ${displayPath(failedDir)} meanwhile; skipped`);
    }
  }
  return 0;
}

/**
 * A name as given: `x.json`, a path to it in failed/, or its sidecar's name
 * (`x.json.error.json`, which status and ls show beside it).
 */
function eventName(given: string, failedDir: string): string {
  let name = given;
  if (given.includes("/")) {
    if (path.dirname(path.resolve(given)) !== failedDir) {
      throw new UsageError(`${given} is not in ${displayPath(failedDir)}`);
    }
    name = path.basename(given);
  }
  return isSidecar(name) ? name.slice(0, -SIDECAR_SUFFIX.length) : name;
}

function inFailed(spool: Spool, name: string): boolean {
  if (!isEventName("failed", name)) return false;
  try {
    lstatSync(spool.path("failed", name));
    return true;
  } catch {
    return false;
  }
}
