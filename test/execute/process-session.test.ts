import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  HandlerSession,
  isProcessAlive,
  terminateSession,
} from "../../src/execute/process-session.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { waitFor } from "../helpers/wait-for.js";

/*
 * A session's members are found two ways: in its first second by trying the
 * pids handed out since its leader one by one, later by listing /proc. Both
 * must find a member that is not the leader.
 */

let root: TempRoot | undefined;
const pids: number[] = [];
afterEach(() => {
  for (const pid of pids.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  root?.cleanup();
  root = undefined;
});

/** A session leader with a background member; resolves with both. */
async function startSession(): Promise<{ session: HandlerSession; member: number }> {
  root = makeTempRoot("evh-session-");
  const pidFile = root.path("member.pid");
  const leader = spawn("/bin/sh", ["-c", `sleep 1000000 & echo $! > ${pidFile}; wait`], {
    detached: true,
    stdio: "ignore",
  });
  pids.push(leader.pid as number);
  const session = new HandlerSession(leader.pid as number);
  const member = Number(
    await waitFor(() => readFileSync(pidFile, "utf8").trim(), 10_000, "the member's pid"),
  );
  pids.push(member);
  return { session, member };
}

function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

describe("HandlerSession", () => {
  it("finds a member in its own group within the first second, and terminates it", async () => {
    const { session, member } = await startSession();
    expect(session.memberGroups()).toContain(groupOf(member));
    await terminateSession(session, 1000);
    expect(isProcessAlive(member)).toBe(false);
    expect(session.memberGroups().size).toBe(0);
  });

  it("finds it after the first second too (by listing /proc), and terminates it", async () => {
    const { session, member } = await startSession();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(session.memberGroups()).toContain(groupOf(member));
    await terminateSession(session, 1000);
    expect(isProcessAlive(member)).toBe(false);
  });
});
