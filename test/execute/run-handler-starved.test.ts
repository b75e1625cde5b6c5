import { closeSync, openSync, readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHandler } from "../../src/execute/run-handler.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

let root: TempRoot;
let held: number[] = [];
beforeEach(() => {
  root = makeTempRoot("evh-starved-");
});
afterEach(() => {
  release();
  root.cleanup();
});

/** Opens /dev/null until the process has no file descriptor left (EMFILE), then frees `spare`. */
function exhaustDescriptors(spare = 0): void {
  for (;;) {
    try {
      held.push(openSync("/dev/null", "r"));
    } catch {
      for (const fd of held.splice(held.length - spare)) closeSync(fd);
      return;
    }
  }
}

const openDescriptors = () => readdirSync("/proc/self/fd").length;

function release(): void {
  for (const fd of held) closeSync(fd);
  held = [];
}

describe("runHandler: short of resources", () => {
  it("waits out a lack of file descriptors instead of failing the handler", async () => {
    exhaustDescriptors();
    const running = runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir),
    );
    setTimeout(release, 300);
    expect(await running).toMatchObject({ outcome: "ok", attempt: 1, exitCode: 0 });
  });

  it("fails with the errno named once resourceWaitMs is over", async () => {
    exhaustDescriptors();
    const record = await runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir, { resourceWaitMs: 250 }),
    );
    release();
    expect(record.outcome).toBe("failed");
    expect(record.error).toMatch(/EMFILE|too many open files/i);
  });

  it("leaks no descriptor while starved: it does not try a spawn that would fail half-way", async () => {
    const before = openDescriptors();
    // Five free: enough to begin a spawn, not to finish it (Node then leaks its stdio sockets).
    exhaustDescriptors(5);
    const record = await runHandler(
      makeHandler([script("exit-code.sh"), "0"]),
      makeEvent(),
      makeContext(root.varDir, { resourceWaitMs: 250 }),
    );
    release();
    expect(record.outcome).toBe("failed");
    expect(openDescriptors()).toBe(before);
  });
});
