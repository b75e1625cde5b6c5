import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runsIn, waitForLog } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

describe.skipIf(!isRoot)(`handlers and the agent's privileges${ROOT_ONLY}`, () => {
  test("the root lock refuses root handlers (event done, warning logged) until it is removed", async () => {
    const root = newRoot();
    root.handler("10-handlers.yaml", [
      { id: "as-root", event: "*", command: [root.script("record-run.sh"), root.out("runs")] },
      {
        id: "as-nobody",
        event: "*",
        user: "nobody",
        command: [root.script("record-run.sh"), root.out("runs")],
      },
    ]);
    mkdirSync(root.varDir, { mode: 0o700 });
    const lock = root.path("var", "root.event_handler.lock");
    writeFileSync(lock, "");
    await root.start();

    const locked = root.drop({ event: "client_create" });
    await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === locked);
    const refused = runsIn(root.logFile, eventIdOf(locked)).find((r) => r.handler === "as-root");
    expect(refused).toMatchObject({ outcome: "refused", level: "warn" });
    expect(root.lines("runs")).toEqual([`${eventIdOf(locked)} as-nobody 1`]);
    expect(root.files("failed")).toEqual([]);

    // The lock is checked at every run: removing it needs no restart.
    rmSync(lock);
    const unlocked = root.drop({ event: "client_create" });
    await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === unlocked);
    expect(root.lines("runs").filter((l) => l.startsWith(eventIdOf(unlocked)))).toEqual([
      `${eventIdOf(unlocked)} as-root 1`,
      `${eventIdOf(unlocked)} as-nobody 1`,
    ]);
  });

  test("a handler with user: nobody runs as uid 65534 and cannot read a root-only file", async () => {
    const root = newRoot();
    const secret = root.write("out/root-only", "secret\n", 0o600);
    root.handler("nobody.yaml", {
      id: "as-nobody",
      event: "*",
      user: "nobody",
      command: [root.script("try-read.sh"), secret],
    });
    await root.start();
    root.drop({ event: "client_create" });
    const run = await waitFor(() => runsIn(root.logFile)[0], 10_000, "the run");
    expect(run).toMatchObject({ outcome: "ok", stdout: "uid=65534\nread=denied\n" });
  });
});
