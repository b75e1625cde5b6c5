import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { errnoCode } from "../errors/evh-error.js";

/*
 * Handlers run as leaders of their own process group (spawned detached), so a
 * whole tree, including background children, is reached with one kill(-pgid).
 *
 * Liveness cannot rely on kill(0) alone: an orphaned child that died stays a
 * zombie until init reaps it, and some inits (container and VM init
 * processes) never do. kill(0) succeeds on zombies, so when it does, /proc is
 * consulted and zombies are not counted as alive.
 */

/** The state letter and process group of a pid, from /proc (Linux); undefined if gone. */
function procStat(pid: number | string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return undefined;
  }
  // `pid (comm) S ppid pgrp ...`: comm may hold spaces and parentheses, so cut at the last `)`.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", pgrp: Number(fields[2]) };
}

const isDead = (state: string) => state === "Z" || state === "X";

/** Whether kill(target, 0) finds anything: ESRCH means no, anything else (EPERM) yes. */
function exists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== "ESRCH";
  }
}

/** Whether `pid` is a running (not zombie) process. */
export function isProcessAlive(pid: number): boolean {
  if (!exists(pid)) return false;
  const stat = procStat(pid);
  return stat === undefined ? exists(pid) : !isDead(stat.state);
}

/** Whether any non-zombie process is left in group `pgid`. */
export function isGroupAlive(pgid: number): boolean {
  if (!exists(-pgid)) return false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return true; // no /proc: trust kill(0)
  }
  return pids.some((pid) => {
    const stat = procStat(pid);
    return stat !== undefined && stat.pgrp === pgid && !isDead(stat.state);
  });
}

/** Sends `signal` to every process of group `pgid`; a group already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left. EPERM: a member changed its uid; nothing more we can do.
  }
}

/**
 * SIGTERM to the group (with SIGCONT, so stopped members can act on it, as
 * systemd does), then SIGKILL `killAfterMs` later if anything is still alive.
 * Returns at once when the group is already empty: the normal case costs
 * nothing.
 */
export async function terminateGroup(pgid: number, killAfterMs: number): Promise<void> {
  if (!isGroupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  signalGroup(pgid, "SIGCONT");
  // The monotonic clock: a wall-clock jump (NTP, `date -s`) must not delay or hasten the SIGKILL.
  const deadline = performance.now() + killAfterMs;
  for (let pause = 10; performance.now() < deadline; pause = Math.min(pause * 2, 100)) {
    await sleep(Math.min(pause, Math.max(0, deadline - performance.now())));
    if (!isGroupAlive(pgid)) return;
  }
  signalGroup(pgid, "SIGKILL");
}
