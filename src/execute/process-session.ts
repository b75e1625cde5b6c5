import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/*
 * Each handler runs as the leader of a session of its own (spawned detached:
 * libuv calls setsid()), so its session id is its pid. Job control inside it
 * (`bash -c "set -m; sleep 777 &"`) makes new process groups, but never a new
 * session: everything a handler starts is found by the session field of
 * /proc/<pid>/stat, whatever group it is in. Only a process that calls
 * setsid() itself leaves; it is out of reach (documented in docs/handlers.md).
 *
 * Signals never go to a number that may have been reused. The kernel keeps a
 * pid number allocated while any process still uses it as its session or
 * process group id, so:
 * - the session id cannot name another session while a single member of
 *   ours is alive (or a zombie); members are looked up by a fresh /proc scan
 *   before every signal, and the work stops at the first scan that finds
 *   none;
 * - a process group seen in that scan is held by the member seen in it, and
 *   a group never spans two sessions, so kill(-pgrp) reaches only our
 *   processes (the window between the read and the kill would need that
 *   member to die, be reaped and its number to come round again);
 * - between two scans the session could empty and its number be reused by a
 *   new session (another handler's, at concurrency > 1), whose leader has the
 *   pid our leader had: our leader is told apart by its start time, read when
 *   it started, and a scan that finds the pid with another start time stops.
 *
 * Zombies are not counted as alive: an orphan that died stays a zombie until
 * init reaps it, and some inits (containers, VMs) never do.
 */

/** The fields of /proc/<pid>/stat this needs; undefined if the process is gone. */
interface ProcStat {
  readonly state: string;
  readonly pgrp: number;
  readonly session: number;
  /** Clock ticks since boot, as text: with the pid, the process's identity. */
  readonly startTime: string;
}

/** One /proc/<pid>/stat line (a few hundred bytes; comm is at most 64). */
const statBuffer = Buffer.alloc(4096);

function procStat(pid: number | string): ProcStat | undefined {
  const file = `/proc/${pid}/stat`;
  // Most pids of a scan are gone or never were: answered without an exception, which costs
  // more than the read. open + one read + close, not readFileSync's fstat and read loop.
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    const fd = openSync(file, "r");
    try {
      const length = readSync(fd, statBuffer, 0, statBuffer.length, null);
      text = statBuffer.toString("latin1", 0, length);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // ended between the check and the read
  }
  // `pid (comm) S ppid pgrp session ... starttime`: comm may hold spaces and
  // parentheses, so cut at the last `)`; starttime is field 22, the 20th after comm.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    state: fields[0] ?? "",
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTime: fields[19] ?? "",
  };
}

const isDead = (state: string) => state === "Z" || state === "X";

/** Whether `pid` is a running (not zombie) process. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const stat = procStat(pid);
  return stat === undefined || !isDead(stat.state);
}

/**
 * A started handler's session. Made right after the spawn, while the leader
 * is the agent's unreaped child, so its start time is its own.
 */
export class HandlerSession {
  /** The leader's start time (clock ticks since boot), if it could be read. */
  readonly leaderStart: string | undefined;
  private readonly createdAt = performance.now();

  /**
   * @param sid the leader's pid
   * @param leaderStart the leader's start time when already known; by
   *   default read now
   */
  constructor(
    readonly sid: number,
    leaderStart?: string,
  ) {
    this.leaderStart = leaderStart ?? procStat(sid)?.startTime;
  }

  /** The live members' process groups; empty once the session is gone (or its id reused). */
  memberGroups(): Set<number> {
    const groups = new Set<number>();
    for (const pid of this.candidates()) {
      const stat = procStat(pid);
      if (stat === undefined || stat.session !== this.sid) continue;
      // The leader's pid with another start time: ours is gone, and the number is another session's.
      if (
        pid === this.sid &&
        this.leaderStart !== undefined &&
        stat.startTime !== this.leaderStart
      ) {
        return new Set();
      }
      if (!isDead(stat.state)) groups.add(stat.pgrp);
    }
    return groups;
  }

  /**
   * The pids worth reading. Every member was made after the leader, so for a
   * run of under a second (most: the latency path) only the pids handed out
   * since, from the leader's up to the last one the kernel gave
   * (ns_last_pid, across a wrap-around), can be members: a full turn of the
   * pid space in that time is not possible. When that range is short, its
   * numbers are tried one by one (a missing /proc entry is just skipped):
   * listing /proc instead was most of a launcher's time after spawn() itself
   * (0.8 ms a run, measured). Longer runs and longer ranges list /proc.
   */
  private candidates(): number[] {
    const recent = performance.now() - this.createdAt < 1000;
    const last = recent ? lastPid() : undefined;
    if (last !== undefined && last >= this.sid && last - this.sid < MAX_RANGE) {
      return Array.from({ length: last - this.sid + 1 }, (_, i) => this.sid + i);
    }
    let pids: number[];
    try {
      pids = readdirSync("/proc")
        .filter((name) => name.charCodeAt(0) <= 57)
        .map(Number)
        .filter(Number.isInteger);
    } catch {
      return [];
    }
    if (last === undefined) return pids;
    const from = this.sid;
    return pids.filter((pid) =>
      last >= from ? pid >= from && pid <= last : pid >= from || pid <= last,
    );
  }
}

/** The longest pid range tried number by number rather than by listing /proc. */
const MAX_RANGE = 256;

function lastPid(): number | undefined {
  try {
    const n = Number(readFileSync("/proc/sys/kernel/ns_last_pid", "latin1"));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Sends `signal` to each process group; one already gone (ESRCH) is fine. */
function signalGroups(groups: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pgrp of groups) {
    try {
      process.kill(-pgrp, signal);
    } catch {
      // ESRCH: nothing left. EPERM: a member changed its uid; nothing more we can do.
    }
  }
}

/** Rounds of SIGKILL for members forked between a scan and its kill. */
const KILL_ROUNDS = 20;

/**
 * SIGTERM to every process of the session (with SIGCONT, so stopped members
 * can act on it, as systemd does), then SIGKILL `killAfterMs` later to what
 * is left. Returns as soon as a scan finds the session empty: the normal
 * case costs one scan.
 */
export async function terminateSession(
  session: HandlerSession,
  killAfterMs: number,
): Promise<void> {
  let groups = session.memberGroups();
  if (groups.size === 0) return;
  signalGroups(groups, "SIGTERM");
  signalGroups(groups, "SIGCONT");
  // The monotonic clock: a wall-clock jump (NTP, `date -s`) must not delay or hasten the SIGKILL.
  const deadline = performance.now() + killAfterMs;
  for (let pause = 10; performance.now() < deadline; pause = Math.min(pause * 2, 100)) {
    await sleep(Math.min(pause, Math.max(0, deadline - performance.now())));
    if (session.memberGroups().size === 0) return;
  }
  for (let round = 0; round < KILL_ROUNDS; round++) {
    groups = session.memberGroups();
    if (groups.size === 0) return;
    signalGroups(groups, "SIGKILL");
    await sleep(10);
  }
}
