import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import type { StoredOutcome } from "../record/stored-outcome.js";

/** The `<name>.error.json` written beside a failed event (SPEC §2, §4): a report for people. */
export interface Sidecar {
  readonly reason: string;
  readonly detail: string;
  readonly at: string;
  readonly outcomes?: readonly StoredOutcome[];
}

export const SIDECAR_SUFFIX = ".error.json";

export function sidecarName(eventName: string): string {
  return `${eventName}${SIDECAR_SUFFIX}`;
}

/**
 * The temp name a sidecar is written under before its rename. Hidden (a
 * leading `.`) on purpose: names starting with `.` are never taken from new/,
 * so no entry a producer placed can ever be found in failed/ under a name of
 * this shape, and the random part makes the name unguessable besides.
 */
const SIDECAR_TEMP = /^\.evh-sidecar-[0-9a-f]{16}\.tmp$/;

/** A sidecar's temp file, left behind when the agent was killed while writing it. */
export function isSidecarTemp(name: string): boolean {
  return SIDECAR_TEMP.test(name);
}

export function isSidecar(name: string): boolean {
  return name.endsWith(SIDECAR_SUFFIX);
}

/** Exclusive create that never follows a link: a name that exists, whatever it is, is EEXIST. */
const CREATE_EXCLUSIVE =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Written to a temp name and renamed, so a reader never sees half a sidecar.
 * The temp file is created exclusively under a name the agent chose (SPEC §2):
 * nothing already in failed/, a planted symlink included, is ever written
 * through; the rename replaces a name, it never follows one.
 * Returns false when the event's name is too long to take the suffix
 * (NAME_MAX): the event is still placed, and the reason is in the log only.
 */
export async function writeSidecar(file: string, sidecar: Sidecar): Promise<boolean> {
  const dir = path.dirname(file);
  const bytes = Buffer.from(`${JSON.stringify(sidecar, null, 2)}\n`);
  const { fd, temp } = createTemp(dir);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    closeSync(fd);
    // A full disk leaves a partial temp file: do not let it hold on to the space it needs.
    removeQuietly(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (error) {
    removeQuietly(temp);
    if (errnoCode(error) === "ENAMETOOLONG") return false;
    throw error;
  }
  return true;
}

/** A new, empty 0600 file under a fresh random name in `dir`; another name on a collision. */
function createTemp(dir: string): { fd: number; temp: string } {
  for (let attempt = 0; ; attempt++) {
    const temp = path.join(dir, `.evh-sidecar-${randomBytes(8).toString("hex")}.tmp`);
    try {
      return { fd: openSync(temp, CREATE_EXCLUSIVE, 0o600), temp };
    } catch (error) {
      if (errnoCode(error) !== "EEXIST" || attempt >= 16) throw error;
    }
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone, or the folder went away: nothing left to free
  }
}
