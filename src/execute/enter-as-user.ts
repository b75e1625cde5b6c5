import { SHELL_FILE } from "./build-invocation.js";

/** What spawn() is given: the program, its arguments and the directory libuv enters. */
export interface SpawnTarget {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * `cd` as the handler's user, then exec the program itself: argv, environment
 * and pid are the program's (exec replaces the shell); `cd` sets PWD and
 * OLDPWD, which the handler's clean environment (SPEC §4) does not have.
 * Exit 125 (as env(1) and timeout(1) use for their own failures) with a line
 * on stderr when the directory cannot be entered.
 */
const ENTER =
  'cd -- "$0" 2>/dev/null || { printf "evh: cannot enter working directory %s\\n" "$0" >&2; exit 125; }; unset PWD OLDPWD; exec "$@"';

/**
 * How a run is spawned so that its working directory is entered with the
 * handler's own credentials (SPEC §4).
 *
 * libuv's child calls chdir() before setgid()/setuid(), so with `cwd` and a
 * `uid` the directory is entered as root: a user who swaps her `cwd` (or a
 * directory on its path) for a symlink after the agent's check starts her
 * handler inside a directory she cannot reach, under a root-only one. The
 * check cannot be made atomic with the chdir from the agent's side; only
 * the child, once it is the user, can enter the directory. So such a run is
 * spawned in `/`, as the user, through `/bin/sh -c 'cd -- DIR && exec PROG
 * ARGS'`: a shell's start (about 0.5 ms, measured) on runs that switch user
 * and start elsewhere than `/` only. Runs as the agent's own user are
 * spawned as before: entering as root is what they would do anyway.
 *
 * A program that cannot start is then the shell's failure (`exec: not
 * found`, exit 127; exit 126 when it cannot be executed), no longer an
 * errno from spawn(): the program was checked when the handler was loaded,
 * and its stderr says which.
 */
export function spawnTarget(
  file: string,
  args: readonly string[],
  cwd: string,
  switchesUser: boolean,
): SpawnTarget {
  if (!switchesUser || cwd === "/") return { file, args, cwd };
  return { file: SHELL_FILE, args: ["-c", ENTER, cwd, file, ...args], cwd: "/" };
}
