import { spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isGroupAlive, signalGroup, terminateGroup } from "../../src/execute/process-group.js";
import { waitFor } from "../helpers/wait-for.js";
import { script } from "./fixtures.js";

let pgid: number | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (pgid !== undefined) signalGroup(pgid, "SIGKILL");
  pgid = undefined;
});

describe("terminateGroup and the wall clock", () => {
  it("sends SIGKILL killAfterMs after SIGTERM even when the wall clock jumps back an hour", async () => {
    const child = spawn(script("ignore-term.sh"), [], {
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    pgid = child.pid as number;
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
    await terminateGroup(pgid, 500);
    expect(performance.now() - t0).toBeLessThan(3000);
    await waitFor(() => !isGroupAlive(pgid as number), 5000, "the group to die");
  });
});
