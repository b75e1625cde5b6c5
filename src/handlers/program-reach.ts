import { realpathSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import type { SystemUser } from "../system/system-users.js";
import { resolveProgram } from "./program-path.js";

const SEARCH = 1;

/** Whether `user` (its uid and primary gid only: handlers get no supplementary groups) has `bit` on `stat`. */
function grants(stat: Stats, user: SystemUser, bit: number): boolean {
  if (user.uid === 0) return true;
  const shift = stat.uid === user.uid ? 6 : stat.gid === user.gid ? 3 : 0;
  return ((stat.mode >> shift) & bit) !== 0;
}

const mode = (stat: Stats) => (stat.mode & 0o7777).toString(8).padStart(4, "0");

/**
 * Why `user` cannot start the program although the agent can, naming the
 * folder that blocks it, or undefined. The classic trap: a script under
 * /root (0700) given to `user: nobody` loads fine as root and fails at every
 * run. Mode bits only: an ACL that grants more is not seen, so the loader
 * reports this as a warning, not an error. Only stat(2), never an open: the
 * program is not read as root (SPEC §4).
 */
export function checkProgramReach(
  program: string,
  cwd: string,
  user: SystemUser,
): string | undefined {
  const found = resolveProgram(program, cwd);
  if (found === undefined) return undefined;
  let file: string;
  try {
    file = realpathSync(found);
  } catch {
    return undefined;
  }
  const parts = path.dirname(file).split("/").filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const dir = `/${parts.slice(0, i).join("/")}`;
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat !== undefined && !grants(stat, user, SEARCH)) {
      return `user ${user.name} cannot reach program ${file}: ${dir} is mode ${mode(stat)}, uid ${stat.uid}, gid ${stat.gid}, without search permission for it (fix: chmod o+x ${dir}, or move the program where ${user.name} can reach it)`;
    }
  }
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat !== undefined && !grants(stat, user, SEARCH)) {
    return `user ${user.name} cannot execute program ${file}: it is mode ${mode(stat)}, uid ${stat.uid}, gid ${stat.gid} (fix: chmod o+x ${file}, or chown it to ${user.name})`;
  }
  return undefined;
}
