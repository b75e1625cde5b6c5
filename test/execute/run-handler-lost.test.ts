import { describe, expect, it } from "vitest";
import { runHandler } from "../../src/execute/run-handler.js";
import { type ProcessStarter, startHere } from "../../src/execute/start-request.js";
import { makeTempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

/**
 * A starter whose first `losses` runs are lost before they start (as when a
 * launcher dies), the others started here for real.
 */
function losing(losses: number): { start: ProcessStarter; calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    start: async (req, signal) => {
      calls++;
      if (calls <= losses) return { kind: "lost", reason: "its launcher was killed by SIGKILL" };
      return startHere(req, signal);
    },
  };
}

describe("runHandler: a run whose launcher was lost", () => {
  it("is run once more within the same attempt", async () => {
    const root = makeTempRoot("evh-lost-");
    try {
      const starter = losing(1);
      const record = await runHandler(
        makeHandler([script("print-output.sh"), "out", "err"]),
        makeEvent(),
        makeContext(root.varDir, { start: starter.start }),
      );
      expect(starter.calls()).toBe(2);
      expect(record).toMatchObject({ outcome: "ok", attempt: 1, stdout: "out\n" });
    } finally {
      root.cleanup();
    }
  });

  it("fails, saying why, when it is lost twice", async () => {
    const root = makeTempRoot("evh-lost-");
    try {
      const starter = losing(2);
      const record = await runHandler(
        makeHandler([script("print-output.sh"), "out", "err"]),
        makeEvent(),
        makeContext(root.varDir, { start: starter.start }),
      );
      expect(starter.calls()).toBe(2);
      expect(record).toMatchObject({
        outcome: "failed",
        attempt: 1,
        exitCode: null,
        error: "its launcher ended during the run: its launcher was killed by SIGKILL",
      });
    } finally {
      root.cleanup();
    }
  });
});
