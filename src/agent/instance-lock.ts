import { readFileSync } from "node:fs";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { AgentRunningError, errnoCode } from "../errors/evh-error.js";

/** The instance lock's place in var/ (SPEC §5). */
export function lockFilePath(varDir: string): string {
  return path.join(varDir, "evh.lock");
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === "EPERM";
  }
}

/** The pid of the agent holding the lock, or undefined when none is alive. */
export function runningAgentPid(varDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockFilePath(varDir), "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One agent per root: `var/evh.lock` holds the pid. Created with O_EXCL; a
 * lock whose pid is dead (a crashed agent) is taken over by writing a fresh
 * file and renaming it in place. Throws AgentRunningError naming the live pid.
 */
export async function acquireInstanceLock(varDir: string): Promise<() => Promise<void>> {
  await mkdir(varDir, { recursive: true, mode: 0o700 });
  const file = lockFilePath(varDir);
  const mine = `${process.pid}\n`;
  try {
    const handle = await open(file, "wx", 0o644);
    await handle.writeFile(mine);
    await handle.close();
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
    const holder = runningAgentPid(varDir);
    if (holder !== undefined && holder !== process.pid) throw new AgentRunningError(holder, file);
    const temp = `${file}.${process.pid}`;
    const handle = await open(temp, "w", 0o644);
    await handle.writeFile(mine);
    await handle.close();
    await rename(temp, file);
  }
  // Two agents taking over the same stale lock at once: the last rename wins; the other must notice and leave.
  const now = (await readFile(file, "utf8")).trim();
  if (now !== String(process.pid)) throw new AgentRunningError(Number(now), file);
  return async () => {
    try {
      if ((await readFile(file, "utf8")).trim() === String(process.pid)) await unlink(file);
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw error;
    }
  };
}
