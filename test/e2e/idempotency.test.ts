import { renameSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { readLog, waitForLog, withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { runEvh } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

const recorder = (root: E2eRoot, id: string, exitCode = 0) => ({
  id,
  event: "*",
  command: [fixtureScript("record-run.sh"), root.out("runs"), String(exitCode)],
});

const eventDone = (root: E2eRoot, name: string) =>
  waitForLog(root.logFile, (e) => e.message === "event done" && e.file === name);

const duplicateDropped = (root: E2eRoot, name: string) =>
  waitForLog(root.logFile, (e) => e.message === "duplicate event dropped" && e.file === name);

describe("idempotency and retry", () => {
  test("a second file with an id that completed is logged as a duplicate and removed, across restarts", async () => {
    const root = newRoot();
    root.handler("record.yaml", recorder(root, "record"));
    const agent = await root.start();
    const first = root.drop({ event: "client_create", id: "order-1" });
    await eventDone(root, first);
    expect((await agent.stop()).code).toBe(0);
    await root.start();
    const second = root.drop({ event: "client_create", id: "order-1", params: { NEW_X: "y" } });
    await duplicateDropped(root, second);
    expect(root.lines("runs")).toEqual(["order-1 record 1"]);
    expect([...root.files("new"), ...root.files("cur"), ...root.files("failed")]).toEqual([]);
  });

  test.each([1, 2])(
    "a copy read while the first one runs is dropped too (concurrency %i)",
    async (concurrency) => {
      const root = newRoot({ concurrency });
      root.handler("hold.yaml", {
        id: "hold",
        event: "*",
        command: [fixtureScript("hang-until.sh"), root.out("runs"), root.out("release")],
      });
      await root.start();
      // Different ordering keys: only the shared id keeps them from running side by side.
      const first = root.drop({ event: "client_create", id: "order-2", key: "k1" });
      await waitFor(() => root.lines("runs").length === 1, 10_000, "the first copy to run");
      // The agent reads ahead: the second copy is claimed and decoded while the first runs.
      const second = root.drop({ event: "client_create", id: "order-2", key: "k2" });
      await waitFor(() => root.files("cur").includes(second), 10_000, "the second copy claimed");
      writeFileSync(root.out("release"), "");
      await eventDone(root, first);
      await duplicateDropped(root, second);
      expect(root.lines("runs")).toEqual(["order-2"]);
    },
  );

  test("a failed event put back into new/ runs only its failed handlers, with their current definitions", async () => {
    const root = newRoot();
    root.handler("10-handlers.yaml", [
      recorder(root, "fine"),
      recorder(root, "flaky", 3),
      recorder(root, "doomed", 4),
    ]);
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => root.files("failed").includes(`${name}.error.json`), 10_000, "failed/");
    const id = eventIdOf(name);
    expect(root.lines("runs")).toEqual([`${id} fine 1`, `${id} flaky 1`, `${id} doomed 1`]);

    // The administrator fixes one handler, removes another, adds a third, then retries by hand.
    root.handler("10-handlers.yaml", [
      recorder(root, "fine"),
      recorder(root, "flaky", 0),
      recorder(root, "added-later"),
    ]);
    await waitForLog(root.logFile, (e) => e.message.startsWith("handlers reloaded after a change"));
    rmSync(root.path("spool/failed", `${name}.error.json`));
    renameSync(root.path("spool/failed", name), root.path("spool/new", name));
    await eventDone(root, name);

    expect(root.lines("runs")).toEqual([
      `${id} fine 1`,
      `${id} flaky 1`,
      `${id} doomed 1`,
      `${id} flaky 1`,
    ]);
    expect(root.files("failed")).toEqual([]);
    expect(withMessage(root.logFile, "event failed")).toHaveLength(1);
  });

  test("two events of one name that collide in failed/ keep their own progress: retry --all runs only the failed handler of each", async () => {
    const root = newRoot();
    root.handler("10-handlers.yaml", [recorder(root, "fine"), recorder(root, "flaky", 3)]);
    let agent = await root.start();
    root.drop({ event: "client_create", id: "one" }, "same.json");
    await waitFor(() => root.files("failed").length === 2, 10_000, "the first one in failed/");
    root.drop({ event: "client_create", id: "two" }, "same.json");
    await waitFor(() => root.files("failed").length === 4, 10_000, "the second one in failed/");
    const first = ["one fine 1", "one flaky 1", "two fine 1", "two flaky 1"];
    expect(root.lines("runs")).toEqual(first);
    // Across a restart: the journal is replayed and compacted in between.
    expect((await agent.stop()).code).toBe(0);
    agent = await root.start();

    const retried = await runEvh(["retry", "--all", "--root", root.dir]);
    expect(retried.code).toBe(0);
    await waitFor(
      () => withMessage(root.logFile, "event failed").length === 4,
      15_000,
      "both retries to fail again",
    );
    expect(root.lines("runs").slice(0, 4)).toEqual(first);
    expect(root.lines("runs").slice(4).sort()).toEqual(["one flaky 1", "two flaky 1"]);
  });

  test("malformed journal records are skipped and logged with their line; the agent starts", async () => {
    const root = newRoot();
    root.handler("record.yaml", recorder(root, "record"));
    root.write(
      "var/journal.jsonl",
      ["null", '{"t":"zzz"}', '{"t":"run","f":"a.json","h":"s","o":7}', '{"t":"end"'].join("\n"),
      0o600,
    );
    await root.start();
    const name = root.drop({ event: "client_create" });
    await eventDone(root, name);
    const skipped = readLog(root.logFile)
      .filter((e) => e.message.includes("not a journal record"))
      .map((e) => e.message);
    expect(skipped).toEqual([
      "var/journal.jsonl:1: not a journal record (not a JSON object (null)); skipped",
      'var/journal.jsonl:2: not a journal record (unknown record type "zzz"); skipped',
      "var/journal.jsonl:3: not a journal record (run needs o (a handler outcome)); skipped",
      "var/journal.jsonl:4: not a journal record (not JSON (a torn line?)); skipped",
    ]);
    expect(withMessage(root.logFile, "4 malformed records skipped")).toHaveLength(1);
  });
});
