import { readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHandler } from "../../src/execute/run-handler.js";
import { HeldDescriptors } from "../helpers/descriptors.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

let root: TempRoot;
const held = new HeldDescriptors();
beforeEach(() => {
  root = makeTempRoot("evh-starved-");
});
afterEach(() => {
  held.release();
  root.cleanup();
});

const openDescriptors = () => readdirSync("/proc/self/fd").length;

describe("runHandler: short of resources", () => {
  it("waits out a lack of file descriptors instead of failing the handler", async () => {
    held.exhaust();
    const running = runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir),
    );
    setTimeout(() => held.release(), 300);
    expect(await running).toMatchObject({ outcome: "ok", attempt: 1, exitCode: 0 });
  });

  it("fails with the errno named once resourceWaitMs is over", async () => {
    held.exhaust();
    const record = await runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir, { resourceWaitMs: 250 }),
    );
    held.release();
    expect(record.outcome).toBe("failed");
    expect(record.error).toMatch(/EMFILE|too many open files/i);
  });

  it("leaks no descriptor while starved: it does not try a spawn that would fail half-way", async () => {
    const before = openDescriptors();
    // Five free: enough to begin a spawn, not to finish it (Node then leaks its stdio sockets).
    held.exhaust(5);
    const record = await runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir, { resourceWaitMs: 250 }),
    );
    held.release();
    expect(record.outcome).toBe("failed");
    expect(openDescriptors()).toBe(before);
  });
});
