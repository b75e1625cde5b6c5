import { closeSync, readdirSync, readFileSync } from "node:fs";

/** O_CLOEXEC as /proc/<pid>/fdinfo shows it in `flags:` (octal). */
const O_CLOEXEC = 0o2000000;

/**
 * Closes every descriptor above stderr that this process inherited without
 * close-on-exec, and returns the numbers of all it closed so far (a second
 * call finds nothing new, but the agent's log still names them).
 *
 * A handler must inherit nothing of the agent's beyond stdin, stdout and
 * stderr (SPEC §4): a pipe or file the agent's parent left open (a test
 * harness's extra pipe, a shell's `3>file`, a supervisor's socket) would
 * otherwise reach every handler, including one that runs as `nobody`.
 * Node opens all of its own descriptors with O_CLOEXEC, and its spawn()
 * passes on only the stdio it is given, but it cannot unset what was
 * inherited: a descriptor without O_CLOEXEC survives every execve. Node has
 * no fcntl() to set the flag, and spawning each handler through a wrapper
 * that closes them would cost an exec on every run; the agent uses none of
 * these descriptors, so closing them once at start costs nothing later.
 *
 * Linux only (/proc); elsewhere nothing is done. Node's IPC channel, when
 * there is one, is kept.
 */
/** Every descriptor closed so far, for the agent's log (bin/evh closes them before the CLI loads). */
const closedSoFar: number[] = [];

export function closeInheritedDescriptors(): number[] {
  let names: string[];
  try {
    names = readdirSync("/proc/self/fd");
  } catch {
    return [];
  }
  const channel = (process.channel as { fd?: number } | undefined)?.fd;
  const closed: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2 || fd === channel) continue;
    const flags = fdFlags(fd);
    // Gone (readdir's own descriptor), or marked close-on-exec: not inherited by a handler.
    if (flags === undefined || (flags & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // Already closed.
    }
  }
  closedSoFar.push(...closed);
  return [...closedSoFar];
}

function fdFlags(fd: number): number | undefined {
  try {
    const text = readFileSync(`/proc/self/fdinfo/${fd}`, "latin1");
    const octal = /^flags:\s*([0-7]+)$/m.exec(text)?.[1];
    return octal === undefined ? undefined : Number.parseInt(octal, 8);
  } catch {
    return undefined;
  }
}
