import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Readers of /proc/<pid>: memory, CPU time and context switches, all Linux-only by design. */

/** Clock ticks per second for utime/stime; 100 on every Linux we run on (getconf CLK_TCK). */
const CLK_TCK = 100;

function statusField(pid, field) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const line = text.split("\n").find((l) => l.startsWith(`${field}:`));
  return line === undefined ? Number.NaN : Number.parseInt(line.slice(field.length + 1), 10);
}

/** Peak resident set size (VmHWM) in MiB: the kernel keeps the high-water mark, no sampling needed. */
export function peakRssMiB(pid) {
  return statusField(pid, "VmHWM") / 1024;
}

/**
 * Proportional set size in MiB (/proc/<pid>/smaps_rollup): each shared page
 * divided by the processes that map it. Summed over the agent and its
 * launchers it counts the Node binary's pages, resident once but mapped by
 * each of them, once, where a sum of RSS counts them three times.
 */
export function pssMiB(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const line = text.split("\n").find((l) => l.startsWith("Pss:"));
  return line === undefined ? Number.NaN : Number.parseInt(line.slice(4), 10) / 1024;
}

export function rssMiB(pid) {
  return statusField(pid, "VmRSS") / 1024;
}

/**
 * Fields of a stat file after `pid (comm)`: comm may contain spaces, so cut
 * at the last `)`. `task` picks one thread's file instead of the process's.
 */
function statFields(pid, task) {
  const file = task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`;
  const text = readFileSync(file, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

const cpuOf = (fields) => ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;

/** User + system CPU time of the whole process (all threads), in ms. */
export function cpuMs(pid) {
  return cpuOf(statFields(pid));
}

/**
 * User + system CPU time of the main thread alone, in ms: the thread whose
 * event loop every event waits for, while the libuv pool and V8's helpers
 * run beside it. Its task id is the pid.
 */
export function mainThreadCpuMs(pid) {
  return cpuOf(statFields(pid, pid));
}

/** When the process started, in clock ticks since boot: with the pid, it names a process uniquely. */
export function startTicks(pid) {
  return Number(statFields(pid)[19]);
}

/** The command line as one string, arguments joined by spaces ("" for a zombie). */
export function commandLine(pid) {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
}

/** Whether this kernel lists children per thread (CONFIG_PROC_CHILDREN). */
const HAS_CHILDREN_FILES = existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

/**
 * Pids of the direct children, from each thread's `children` list (a child
 * is listed under the thread that forked it). Without those files every
 * process's PPid is read: slower, the same answer.
 */
export function childPids(pid) {
  const pids = [];
  if (HAS_CHILDREN_FILES) {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8");
        for (const word of text.split(" ")) if (word) pids.push(Number(word));
      } catch {
        // the thread ended while we listed them
      }
    }
    return pids;
  }
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (Number(statFields(name)[1]) === pid) pids.push(Number(name));
    } catch {
      // the process ended while we listed them
    }
  }
  return pids;
}

/**
 * Minor page faults so far. Each fork() write-protects the parent's pages, so
 * a process that forks often pays one fault per page it writes afterwards: a
 * cost that grows with its RSS and shows up here, not in any profile.
 */
export function minorFaults(pid) {
  return Number(statFields(pid)[7]);
}

/**
 * Voluntary context switches summed over every thread. /proc/<pid>/status
 * only counts the main thread, and a timer or the libuv pool may wake others.
 * Each voluntary switch is a sleep that ended, i.e. roughly one wakeup.
 */
export function contextSwitches(pid) {
  let voluntary = 0;
  let involuntary = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8");
      voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    } catch {
      // the thread ended while we listed them
    }
  }
  return { voluntary, involuntary };
}

export function threadIds(pid) {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}
