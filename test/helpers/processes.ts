import { readdirSync, readFileSync } from "node:fs";

/** Reads a /proc file as text, or "" when the process is gone or not ours to read. */
function procText(pid: string, what: string): string {
  try {
    return readFileSync(`/proc/${pid}/${what}`, "latin1");
  } catch {
    return "";
  }
}

function isZombie(pid: string): boolean {
  const stat = procText(pid, "stat");
  const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  return state === undefined || state === "" || state === "Z" || state === "X";
}

/**
 * Live (non-zombie) processes other than this one whose command line or
 * environment mentions `text`: a test's root directory finds its agent and
 * every handler (their argv, EVH_EVENT_FILE) whoever their parent is now.
 * Zombies are left out: PID 1 here does not reap orphans.
 */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const found =
      procText(pid, "cmdline").includes(text) || procText(pid, "environ").includes(text);
    if (found && !isZombie(pid)) pids.push(Number(pid));
  }
  return pids;
}

/** Command line of a pid, for messages. */
export function commandLineOf(pid: number): string {
  return procText(String(pid), "cmdline").split("\0").join(" ").trim();
}
