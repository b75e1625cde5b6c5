import { spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  HandlerSession,
  isProcessAlive,
  terminateSession,
} from "../../src/execute/process-session.js";
import { waitFor } from "../helpers/wait-for.js";
import { script } from "./fixtures.js";

let pgid: number | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (pgid !== undefined && isProcessAlive(pgid)) process.kill(-pgid, "SIGKILL");
  pgid = undefined;
});

describe("terminateSession and the wall clock", () => {
  it("sends SIGKILL killAfterMs after SIGTERM even when the wall clock jumps back an hour", async () => {
    const child = spawn(script("ignore-term.sh"), [], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    pgid = child.pid as number;
    const session = new HandlerSession(pgid);
    let started = "";
    child.stdout.on("data", (d: Buffer) => {
      started += d.toString();
    });
    await waitFor(() => started.includes("ignoring"), 5000, "the handler to ignore SIGTERM");

    // An NTP step or `date -s` while the group is being terminated.
    const realNow = Date.now.bind(Date);
    let jump = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() - jump);
    setTimeout(() => {
      jump = 3_600_000;
    }, 100);
    const t0 = performance.now();
    await terminateSession(session, 500);
    expect(performance.now() - t0).toBeLessThan(3000);
    await waitFor(() => !isProcessAlive(pgid as number), 5000, "the session to die");
  });
});
