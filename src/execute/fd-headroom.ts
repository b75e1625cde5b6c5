import { closeSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { errnoCode } from "../errors/evh-error.js";

/**
 * File descriptors a start needs at its peak: a socket pair for each of
 * stdin, stdout and stderr and libuv's exec status pipe (8), and a margin.
 */
export const SPAWN_FDS = 10;

/**
 * The soft `RLIMIT_NOFILE` from a `/proc/<pid>/limits` text, or undefined
 * when the line is missing or unreadable. `unlimited` is Infinity.
 */
export function parseOpenFilesLimit(limits: string): number | undefined {
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  if (soft === "unlimited") return Number.POSITIVE_INFINITY;
  const n = Number(soft);
  return soft !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Node has no getrlimit(). It raises the soft limit to the hard one at
 * start-up and has no setrlimit() either, so the limit is read once, at
 * load; `ulimit -n` before the start (which sets both) shows here.
 */
function readOpenFilesLimit(): number | undefined {
  try {
    return parseOpenFilesLimit(readFileSync("/proc/self/limits", "latin1"));
  } catch {
    return undefined;
  }
}

const FD_DIR = "/proc/self/fd";

/**
 * Open descriptors, from the size of `/proc/self/fd`: Linux 6.2 and later
 * report the count there (one stat, and no descriptor needed, so it answers
 * even when none is left); older kernels report 0.
 */
export function countFdsBySize(): number {
  return statSync(FD_DIR).size;
}

/** Open descriptors, from listing `/proc/self/fd`, less the one the listing uses. */
export function countFdsByListing(): number {
  return readdirSync(FD_DIR).length - 1;
}

/** The cheapest counter this kernel supports, or undefined without `/proc`. */
function chooseCounter(): (() => number) | undefined {
  try {
    if (countFdsBySize() > 0) return countFdsBySize;
    countFdsByListing();
    return countFdsByListing;
  } catch {
    return undefined;
  }
}

const limit = readOpenFilesLimit();
const countOpen = limit === undefined ? undefined : chooseCounter();

/** Open descriptors now, or undefined where they cannot be counted (no `/proc`). */
export function openFdCount(): number | undefined {
  return countOpen?.();
}

/**
 * Whether `n` more file descriptors can be opened now. Node's spawn() leaks
 * the stdio sockets it made when it fails with EMFILE half-way (Node 20),
 * so under a descriptor limit every failed start makes the shortage worse,
 * until nothing starts at all. Checking first, synchronously right before
 * the spawn, avoids the failed start.
 *
 * The count of open descriptors against the soft limit costs one or three
 * system calls. open() always takes the lowest free number, so `n` free
 * numbers under the limit are `n` opens that will succeed. Without `/proc`
 * it falls back to opening `/dev/null` `n` times, which also sees the
 * system-wide limit (ENFILE); the count sees that only when listing the
 * directory fails for it.
 */
export function hasFdHeadroom(n = SPAWN_FDS): boolean {
  if (countOpen === undefined || limit === undefined) return probeFdHeadroom(n);
  try {
    return countOpen() + n <= limit;
  } catch (error) {
    return isShortage(error) ? false : probeFdHeadroom(n);
  }
}

/** Whether `n` descriptors can be opened, by opening them. */
export function probeFdHeadroom(n = SPAWN_FDS): boolean {
  const fds: number[] = [];
  try {
    for (let i = 0; i < n; i++) fds.push(openSync("/dev/null", "r"));
    return true;
  } catch (error) {
    // Anything but a shortage is for the start itself to report.
    return !isShortage(error);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

function isShortage(error: unknown): boolean {
  const code = errnoCode(error);
  return code === "EMFILE" || code === "ENFILE";
}
