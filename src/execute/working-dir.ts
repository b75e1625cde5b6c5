import { accessSync, constants, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import type { SystemUser } from "../system/system-users.js";

export type WorkingDir = { readonly cwd: string } | { readonly error: string };

/**
 * Where a run starts. The user's home is only a preference: a home that is
 * missing or closed to the user (`nobody`'s `/nonexistent`) falls back to `/`.
 * A `cwd` the handler asked for is a requirement: a script written for
 * `/opt/crm` must not run its relative paths in `/`, so a missing or closed
 * one fails the run with a clear reason instead.
 */
export function resolveWorkingDir(
  preferred: string,
  explicit: boolean,
  user: SystemUser,
  agentUid: number,
): WorkingDir {
  const problem = enterProblem(preferred, user, agentUid);
  if (problem === undefined) return { cwd: preferred };
  if (!explicit) return { cwd: "/" };
  return { error: `cannot enter working directory ${preferred} as ${user.name}: ${problem}` };
}

/** Why `user` cannot chdir into `dir`, or undefined when it can. */
function enterProblem(dir: string, user: SystemUser, agentUid: number): string | undefined {
  let real: string;
  try {
    real = realpathSync(dir);
    if (!statSync(real).isDirectory()) return "not a directory";
  } catch (error) {
    return errnoCode(error) === "ENOENT" ? "no such directory" : describe(error);
  }
  if (user.uid === 0) return undefined;
  if (user.uid === agentUid) {
    try {
      accessSync(real, constants.X_OK);
      return undefined;
    } catch (error) {
      return describe(error);
    }
  }
  try {
    return searchableByAll(real, user) ? undefined : "permission denied";
  } catch (error) {
    return describe(error);
  }
}

/**
 * access(2) answers for the agent, not for the target user, so for another
 * user the search bits of every directory on the way are checked by hand.
 * Only the primary group counts: the child drops supplementary groups when
 * it switches user (libuv calls setgroups(0)). ACLs are not consulted.
 */
function searchableByAll(real: string, user: SystemUser): boolean {
  for (let dir = real; ; dir = path.dirname(dir)) {
    const st = statSync(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

function describe(error: unknown): string {
  const code = errnoCode(error);
  return code === "EACCES" ? "permission denied" : (code ?? "unknown error");
}
