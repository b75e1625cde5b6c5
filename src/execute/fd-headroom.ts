import { closeSync, openSync } from "node:fs";
import { errnoCode } from "../errors/evh-error.js";

/**
 * File descriptors a start needs at its peak: a socket pair for each of
 * stdin, stdout and stderr and libuv's exec status pipe (8), and a margin.
 */
export const SPAWN_FDS = 10;

/**
 * Whether `n` more file descriptors can be opened now. Node's spawn() leaks
 * the stdio sockets it made when it fails with EMFILE half-way (Node 20),
 * so under a descriptor limit every failed start makes the shortage worse,
 * until nothing starts at all. Checking first, synchronously right before
 * the spawn, avoids the failed start.
 */
export function hasFdHeadroom(n = SPAWN_FDS): boolean {
  const fds: number[] = [];
  try {
    for (let i = 0; i < n; i++) fds.push(openSync("/dev/null", "r"));
    return true;
  } catch (error) {
    const code = errnoCode(error);
    // Anything but a shortage is for the start itself to report.
    return code !== "EMFILE" && code !== "ENFILE";
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
