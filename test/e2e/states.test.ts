import { statSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runsIn, waitForLog } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

const modeOf = (file: string) => statSync(file).mode & 0o777;

describe("spool states and placement", () => {
  test("the agent creates cur/, done/, failed/ and var/ with mode 0700", async () => {
    const root = newRoot();
    await root.start();
    for (const dir of ["spool/cur", "spool/done", "spool/failed", "var"]) {
      expect({ dir, mode: modeOf(root.path(dir)).toString(8) }).toEqual({ dir, mode: "700" });
    }
  });

  test("with keep_done: true a completed event moves to done/", async () => {
    const root = newRoot({ keep_done: true });
    root.handler("ok.yaml", {
      id: "ok",
      event: "*",
      command: [fixtureScript("exit-code.sh"), "0"],
    });
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => root.files("done").includes(name), 10_000, `${name} in done/`);
    expect(root.files("cur")).toEqual([]);
    expect(root.files("failed")).toEqual([]);
  });

  test("an event no handler matches is done: deleted", async () => {
    const root = newRoot();
    root.handler("domains.yaml", {
      id: "domains-only",
      event: "domain_*",
      command: [fixtureScript("record-run.sh"), root.out("runs")],
    });
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === name);
    expect(root.files("new")).toEqual([]);
    expect(root.files("cur")).toEqual([]);
    expect(root.files("done")).toEqual([]);
    expect(root.files("failed")).toEqual([]);
    expect(root.lines("runs")).toEqual([]);
  });

  test("a failed handler sends the event to failed/ with a sidecar listing every outcome", async () => {
    const root = newRoot();
    root.handler("10-handlers.yaml", [
      {
        id: "ok-first",
        event: "client_create",
        priority: "high",
        command: [fixtureScript("record-run.sh"), root.out("runs")],
      },
      {
        id: "crm-sync",
        event: "client_create",
        priority: "normal",
        command: [fixtureScript("exit-code.sh"), "3"],
      },
      {
        id: "example-only",
        event: "client_create",
        priority: "low",
        when: { NEW_DOMAIN_NAME: "*.example.com" },
        command: [fixtureScript("record-run.sh"), root.out("runs")],
      },
      {
        id: "other-event",
        event: "domain_create",
        command: [fixtureScript("record-run.sh"), root.out("runs")],
      },
      {
        id: "after-failure",
        event: "client_create",
        priority: "lowest",
        command: [fixtureScript("record-run.sh"), root.out("runs")],
      },
    ]);
    await root.start();
    const name = root.drop({
      event: "client_create",
      params: { NEW_LOGIN_NAME: "jdoe", NEW_DOMAIN_NAME: "shop.test" },
    });
    await waitFor(() => root.files("failed").length === 2, 10_000, "the event in failed/");

    expect(root.files("failed")).toEqual([name, `${name}.error.json`]);
    expect(root.files("cur")).toEqual([]);
    const sidecar = readSidecar(root, name);
    expect(sidecar.reason).toBe("handler crm-sync failed: exit 3");
    expect(sidecar.detail).toContain("crm-sync");
    expect(Number.isNaN(Date.parse(sidecar.at))).toBe(false);
    expect(sidecar.outcomes).toEqual([
      { handler: "ok-first", outcome: "ok", exit_code: 0, signal: null, attempts: 1, stderr: "" },
      {
        handler: "crm-sync",
        outcome: "failed",
        exit_code: 3,
        signal: null,
        attempts: 1,
        stderr: "",
      },
      {
        handler: "example-only",
        outcome: "skipped",
        exit_code: null,
        signal: null,
        attempts: 0,
        stderr: "",
      },
      {
        handler: "after-failure",
        outcome: "ok",
        exit_code: 0,
        signal: null,
        attempts: 1,
        stderr: "",
      },
    ]);
    // A failure does not stop the handlers after it; the skipped one never ran, nor is it a run.
    const id = eventIdOf(name);
    expect(root.lines("runs")).toEqual([`${id} ok-first 1`, `${id} after-failure 1`]);
    expect(runsIn(root.logFile).map((r) => r.handler)).toEqual([
      "ok-first",
      "crm-sync",
      "after-failure",
    ]);
  });
});
