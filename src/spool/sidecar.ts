import { rename, unlink, writeFile } from "node:fs/promises";
import { errnoCode } from "../errors/evh-error.js";
import type { HandlerOutcome } from "../execute/outcome.js";

/** The `<name>.error.json` written beside a failed event (SPEC §2, §4): a report for people. */
export interface Sidecar {
  readonly reason: string;
  readonly detail: string;
  readonly at: string;
  readonly outcomes?: readonly HandlerOutcome[];
}

export const SIDECAR_SUFFIX = ".error.json";

export function sidecarName(eventName: string): string {
  return `${eventName}${SIDECAR_SUFFIX}`;
}

/** The temp name a sidecar is written under before its rename. */
const SIDECAR_TEMP = /\.error\.json\.tmp-\d+$/;

/** A sidecar's temp file, left behind when the agent was killed while writing it. */
export function isSidecarTemp(name: string): boolean {
  return SIDECAR_TEMP.test(name);
}

export function isSidecar(name: string): boolean {
  return name.endsWith(SIDECAR_SUFFIX);
}

/**
 * Written to a temp name and renamed, so a reader never sees half a sidecar.
 * Returns false when the event's name is too long to take the suffix
 * (NAME_MAX): the event is still placed, and the reason is in the log only.
 */
export async function writeSidecar(file: string, sidecar: Sidecar): Promise<boolean> {
  const temp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(temp, `${JSON.stringify(sidecar, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    if (errnoCode(error) === "ENAMETOOLONG") return false;
    // A full disk leaves a partial temp file: do not let it hold on to the space it needs.
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await rename(temp, file);
  return true;
}
