import path from "node:path";
import { UsageError } from "../errors/evh-error.js";
import { isEventName } from "../spool/event-names.js";
import { isSidecar, SIDECAR_SUFFIX } from "../spool/sidecar.js";
import type { Spool } from "../spool/spool.js";
import type { SpoolState } from "../spool/spool-states.js";
import { displayPath } from "./output.js";

/**
 * An event's name as given to `show` and `purge`: a bare name inside a spool
 * folder. A `/` or a `..` is refused as bad usage: a name never reaches
 * outside the folder it is looked up in. A sidecar's name (which `ls`
 * shows beside the event) stands for its event.
 */
export function bareEventName(given: string): string {
  if (given.includes("/") || given === "." || given === ".." || given === "") {
    throw new UsageError(
      `${JSON.stringify(given)} is not an event name: give the file name as evh queue shows it, without a folder`,
    );
  }
  return isSidecar(given) ? given.slice(0, -SIDECAR_SUFFIX.length) : given;
}

/**
 * A name as `retry` takes it: a bare name, or a path to the event (or its
 * sidecar) in failed/, which is where `ls` and the sidecar paths point.
 */
export function failedEventName(given: string, spool: Spool): string {
  if (!given.includes("/")) return bareEventName(given);
  const failedDir = path.join(spool.dir, "failed");
  if (path.dirname(path.resolve(given)) !== failedDir) {
    throw new UsageError(`${given} is not in ${displayPath(failedDir)}`);
  }
  return bareEventName(path.basename(given));
}

/** Whether `name` is an event in `state` (not a sidecar, not hidden; lstat: never followed). */
export function isEventIn(spool: Spool, state: SpoolState, name: string): boolean {
  return isEventName(state, name) && spool.entry(state, name) !== undefined;
}
