import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  HandlerSession,
  isProcessAlive,
  terminateSession,
} from "../../src/execute/process-session.js";
import { runHandler } from "../../src/execute/run-handler.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { waitFor } from "../helpers/wait-for.js";
import { makeContext, makeEvent, makeHandler, readPid, script } from "./fixtures.js";

/*
 * "Dead" is checked with isProcessAlive, not kill(pid, 0): a killed orphan
 * stays a zombie when the machine's init does not reap (as in some
 * containers), and kill(0) succeeds on zombies.
 */

let root: TempRoot;
const started: number[] = [];
beforeEach(() => {
  root = makeTempRoot("evh-term-");
});
afterEach(() => {
  const survivors = started.filter(isProcessAlive);
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  root.cleanup();
  expect(survivors).toEqual([]);
});

function track(pidFile: string): number {
  const pid = readPid(pidFile);
  started.push(pid);
  return pid;
}

describe("runHandler: timeout", () => {
  it("kills the whole group on expiry, background children included", async () => {
    const pidFile = root.path("child.pid");
    const handler = makeHandler([script("spawn-child.sh"), pidFile, "wait"], { timeoutMs: 300 });
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record).toMatchObject({
      outcome: "timeout",
      exitCode: null,
      signal: "SIGTERM",
      error: "timed out after 300 ms",
    });
    expect(isProcessAlive(track(pidFile))).toBe(false);
  });

  it("sends SIGKILL after killAfterMs to a handler that ignores SIGTERM", async () => {
    const handler = makeHandler([script("ignore-term.sh")], { timeoutMs: 200 });
    const record = await runHandler(
      handler,
      makeEvent(),
      makeContext(root.varDir, { killAfterMs: 300 }),
    );
    expect(record).toMatchObject({ outcome: "timeout", signal: "SIGKILL", stdout: "ignoring\n" });
  });
});

describe("runHandler: leftovers", () => {
  it("terminates what the main process left in its group when it exits", async () => {
    const pidFile = root.path("child.pid");
    const record = await runHandler(
      makeHandler([script("spawn-child.sh"), pidFile]),
      makeEvent(),
      makeContext(root.varDir),
    );
    expect(record).toMatchObject({ outcome: "ok", exitCode: 0 });
    expect(isProcessAlive(track(pidFile))).toBe(false);
  });

  // Documented limit (SPEC §4): a new session is out of reach. The run must still end.
  it("returns although a child escaped with setsid and holds stdout open", async () => {
    const pidFile = root.path("escaped.pid");
    const record = await runHandler(
      makeHandler([script("escape-session.sh"), pidFile]),
      makeEvent(),
      makeContext(root.varDir),
    );
    expect(record.outcome).toBe("ok");
    const pid = readPid(pidFile);
    expect(isProcessAlive(pid)).toBe(true);
    process.kill(pid, "SIGKILL");
  });
});

// Job control (`set -m`) puts each background job in a process group of its
// own, inside the handler's session: cleanup is by session (SPEC §4).
describe("runHandler: job-control groups", () => {
  const JOB = 'set -m; sleep 777 & echo $! > "$0"';

  it("kills a job-control group on timeout", async () => {
    const pidFile = root.path("job.pid");
    const handler = makeHandler(["/bin/bash", "-c", `${JOB}; wait`, pidFile], { timeoutMs: 300 });
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record.outcome).toBe("timeout");
    const pid = track(pidFile);
    await waitFor(() => !isProcessAlive(pid), 5000, "the job to die");
  });

  it("kills a job-control group left behind when the main process exits", async () => {
    const pidFile = root.path("job.pid");
    const handler = makeHandler(["/bin/bash", "-c", JOB, pidFile]);
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record.outcome).toBe("ok");
    const pid = track(pidFile);
    await waitFor(() => !isProcessAlive(pid), 5000, "the job to die");
  });
});

describe("terminateSession: a session id that may have been reused", () => {
  it("signals nothing when the leader's pid now belongs to another process", async () => {
    // A live session leader standing for the new owner of a number our leader had.
    const other = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
    const pid = other.pid as number;
    started.push(pid);
    const gone = new HandlerSession(pid, "1"); // our leader: the same number, another start time
    expect(gone.memberGroups().size).toBe(0);
    await terminateSession(gone, 100);
    expect(isProcessAlive(pid)).toBe(true);
    // The same number with its true start time is that session: it is reached.
    await terminateSession(new HandlerSession(pid), 100);
    await waitFor(() => !isProcessAlive(pid), 5000, "the session to die");
  });
});

describe("runHandler: cancel", () => {
  it("terminates the group when the agent's signal aborts, with error 'canceled'", async () => {
    const pidFile = root.path("child.pid");
    const controller = new AbortController();
    const running = runHandler(
      makeHandler([script("spawn-child.sh"), pidFile, "wait"]),
      makeEvent(),
      makeContext(root.varDir, { signal: controller.signal }),
    );
    await waitFor(() => existsSync(pidFile) && readPid(pidFile) > 0, 5000, "the child's pid file");
    controller.abort();
    const record = await running;
    expect(record).toMatchObject({ outcome: "failed", signal: "SIGTERM", error: "canceled" });
    expect(isProcessAlive(track(pidFile))).toBe(false);
  });

  it("does not start a handler once the signal has aborted", async () => {
    const out = root.path("never");
    const controller = new AbortController();
    controller.abort();
    const record = await runHandler(
      makeHandler([script("dump-env.sh"), out]),
      makeEvent(),
      makeContext(root.varDir, { signal: controller.signal }),
    );
    expect(record).toMatchObject({ outcome: "failed", exitCode: null, error: "canceled" });
    expect(existsSync(out)).toBe(false);
  });
});
