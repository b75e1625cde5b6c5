import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runWithRetry } from "../../src/execute/run-with-retry.js";
import type { RunRecord } from "../../src/record/outcome.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-retry-");
});
afterEach(() => root.cleanup());

function attemptsSeen(file: string): string[] {
  return readFileSync(file, "utf8").trim().split("\n");
}

describe("runWithRetry", () => {
  it("runs 1 + retry.attempts times while failing, EVH_ATTEMPT counting 1..n", async () => {
    const log = root.path("attempts.txt");
    const handler = makeHandler([script("count-attempts.sh"), log], {
      retry: { attempts: 3, backoffMs: 5 },
    });
    const records: RunRecord[] = [];
    const outcome = await runWithRetry(handler, makeEvent(), makeContext(root.varDir), (r) => {
      records.push(r);
    });
    expect(outcome).toEqual({
      handler: "test-handler",
      outcome: "failed",
      exitCode: 1,
      signal: null,
      attempts: 4,
      timedOut: false,
      canceled: false,
      interrupted: false,
    });
    expect(attemptsSeen(log)).toEqual(["1", "2", "3", "4"]);
    expect(records.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "failed"],
      [4, "failed"],
    ]);
  });

  it("stops at the first success", async () => {
    const log = root.path("attempts.txt");
    const handler = makeHandler([script("count-attempts.sh"), log, "2"], {
      retry: { attempts: 5, backoffMs: 5 },
    });
    const outcome = await runWithRetry(handler, makeEvent(), makeContext(root.varDir), () => {});
    expect(outcome).toMatchObject({ outcome: "ok", exitCode: 0, attempts: 2 });
    expect(attemptsSeen(log)).toEqual(["1", "2"]);
  });

  it("starts no further attempt once `stop` is aborted, ending a backoff at once", async () => {
    const log = root.path("attempts.txt");
    const handler = makeHandler([script("count-attempts.sh"), log], {
      retry: { attempts: 3, backoffMs: 3_600_000 },
    });
    const stop = new AbortController();
    const outcome = await runWithRetry(
      handler,
      makeEvent(),
      { ...makeContext(root.varDir), stop: stop.signal },
      () => stop.abort(),
    );
    // Its retries were cut short by the shutdown: not the final word.
    expect(outcome).toMatchObject({
      outcome: "failed",
      attempts: 1,
      canceled: false,
      interrupted: true,
    });
    expect(attemptsSeen(log)).toEqual(["1"]);
  });

  it("retries a timeout too", async () => {
    const handler = makeHandler([script("sleep-forever.sh")], {
      timeoutMs: 100,
      retry: { attempts: 1, backoffMs: 5 },
    });
    const outcome = await runWithRetry(handler, makeEvent(), makeContext(root.varDir), () => {});
    expect(outcome).toMatchObject({
      outcome: "timeout",
      signal: "SIGTERM",
      attempts: 2,
      timedOut: true,
      interrupted: false,
    });
  });

  it("runs once when retry.attempts is 0, numbering from 1 whatever attempt it is given", async () => {
    const handler = makeHandler([script("exit-code.sh"), "7"]);
    const ctx = makeContext(root.varDir, { attempt: 9 });
    const outcome = await runWithRetry(handler, makeEvent(), ctx, () => {});
    expect(outcome).toMatchObject({ outcome: "failed", exitCode: 7, attempts: 1 });
  });

  it("waits for onAttempt before the next attempt", async () => {
    const log = root.path("attempts.txt");
    const handler = makeHandler([script("count-attempts.sh"), log], {
      retry: { attempts: 1, backoffMs: 1 },
    });
    const seenAtCallback: string[][] = [];
    await runWithRetry(handler, makeEvent(), makeContext(root.varDir), async () => {
      await new Promise((resolve) => setImmediate(resolve));
      seenAtCallback.push(attemptsSeen(log));
    });
    expect(seenAtCallback).toEqual([["1"], ["1", "2"]]);
  });

  it("stops during a backoff when the agent's signal aborts", async () => {
    const log = root.path("attempts.txt");
    const controller = new AbortController();
    // An hour of backoff: the test only ends if the abort cuts it short.
    const handler = makeHandler([script("count-attempts.sh"), log], {
      retry: { attempts: 3, backoffMs: 3_600_000 },
    });
    const outcome = await runWithRetry(
      handler,
      makeEvent(),
      makeContext(root.varDir, { signal: controller.signal }),
      () => controller.abort(),
    );
    expect(outcome).toMatchObject({ outcome: "failed", attempts: 1, interrupted: true });
    expect(attemptsSeen(log)).toEqual(["1"]);
  });

  it("does not retry a run canceled by the agent's shutdown", async () => {
    const controller = new AbortController();
    const handler = makeHandler([script("sleep-forever.sh")], {
      retry: { attempts: 3, backoffMs: 1 },
    });
    const records: RunRecord[] = [];
    const running = runWithRetry(
      handler,
      makeEvent(),
      makeContext(root.varDir, { signal: controller.signal }),
      (r) => {
        records.push(r);
      },
    );
    setTimeout(() => controller.abort(), 50);
    const outcome = await running;
    expect(outcome).toMatchObject({
      outcome: "failed",
      attempts: 1,
      canceled: true,
      interrupted: true,
    });
    expect(records.map((r) => [r.error, r.canceled])).toEqual([["canceled", true]]);
  });
});
