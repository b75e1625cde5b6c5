import { chmodSync, lstatSync, mkdirSync } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";

/** The directory a root agent uses when systemd gave it none (a tmpfs on most systems). */
export const ROOT_RUN_DIR = "/run/evh";

/**
 * Where the params files' directories go (SPEC §4): a directory only the
 * agent's user (root) can write and fill, so that no local user can read a
 * params file or make every run fail by filling the file system under it
 * (/dev/shm and /tmp are every user's):
 *
 * - `$RUNTIME_DIRECTORY`, systemd's `RuntimeDirectory=` (a tmpfs under /run,
 *   the agent's own), when it is a real directory of the agent's user that
 *   nobody else can write;
 * - for a root agent, `/run/evh` (made 0711 when missing; /run is a tmpfs on
 *   systemd machines, so passwords do not reach a disk, and creating a file
 *   there does not wait for a disk's journal);
 * - else `<varDir>/params` (var/ is the agent's own, 0700).
 *
 * A candidate that is a symlink, another user's or writable by others is
 * passed over, never trusted.
 */
export function paramsBaseDir(varDir: string, where: Where = {}): string {
  const { env = process.env, euid = process.geteuid?.(), runDir = ROOT_RUN_DIR } = where;
  const runtime = env.RUNTIME_DIRECTORY?.split(":")[0];
  if (runtime && path.isAbsolute(runtime) && isPrivate(runtime, euid)) return runtime;
  if (euid === 0 && ensurePrivate(runDir, 0o711, euid)) return runDir;
  const fallback = path.join(varDir, "params");
  mkdirSync(varDir, { recursive: true, mode: 0o700 });
  if (ensurePrivate(fallback, 0o711, euid)) return fallback;
  throw new Error(
    `${fallback} is not a private directory of the agent's (a symlink, another user's, or writable by others); remove it`,
  );
}

/** What decides the choice; each defaults to this process's. */
export interface Where {
  readonly env?: NodeJS.ProcessEnv;
  readonly euid?: number | undefined;
  /** @defaultValue {@link ROOT_RUN_DIR} */
  readonly runDir?: string;
}

/** Where the files would go, without making anything: what `evh test` shows. */
export function paramsBaseDirShown(varDir: string, where: Where = {}): string {
  const { env = process.env, euid = process.geteuid?.(), runDir = ROOT_RUN_DIR } = where;
  const runtime = env.RUNTIME_DIRECTORY?.split(":")[0];
  if (runtime && path.isAbsolute(runtime) && isPrivate(runtime, euid)) return runtime;
  return euid === 0 ? runDir : path.join(varDir, "params");
}

/** Makes `dir` (`mode`) if missing; true when it is then a private directory of `euid`. */
function ensurePrivate(dir: string, mode: number, euid: number | undefined): boolean {
  try {
    mkdirSync(dir, { mode });
    chmodSync(dir, mode); // whatever the umask: other users must reach their files inside
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") return false;
  }
  return isPrivate(dir, euid);
}

/** A real directory (not a symlink) of `euid` that neither group nor others can write. */
function isPrivate(dir: string, euid: number | undefined): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && stats.uid === euid && (stats.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
