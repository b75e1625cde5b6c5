import { copyFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeClaimed } from "../../src/agent/decode-claimed.js";
import { logRun } from "../../src/agent/log-events.js";
import { Registry } from "../../src/handlers/registry.js";
import { Journal } from "../../src/record/journal.js";
import { AgentLogger } from "../../src/record/logger.js";
import type { HandlerOutcome } from "../../src/record/outcome.js";
import { toStoredOutcome } from "../../src/record/stored-outcome.js";
import { writeSidecar } from "../../src/spool/sidecar.js";
import { Spool } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

/**
 * The journal, the sidecar and the log line are read by other programs and
 * by the next version of evh: their bytes are pinned here, written through
 * the real code, whatever the shape of the records inside the agent.
 */

const NOW = Date.parse("2026-12-01T08:30:00.000Z");
let root: TempRoot;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  root = makeTempRoot();
});
afterEach(() => {
  vi.useRealTimers();
  root.cleanup();
});

const final = { timedOut: false, canceled: false, interrupted: false } as const;
const ranAndFailed: HandlerOutcome = {
  handler: "crm-sync",
  outcome: "failed",
  exitCode: 3,
  signal: null,
  attempts: 2,
  ...final,
};
const neverStarted: HandlerOutcome = {
  handler: "notify",
  outcome: "failed",
  exitCode: null,
  signal: null,
  attempts: 1,
  ...final,
  error: "spawn /opt/notify ENOENT",
};

describe("on-disk formats (byte for byte)", () => {
  it("var/journal.jsonl", async () => {
    const journal = await Journal.open(root.varDir, {
      dedupeWindowMs: 60_000,
      exists: () => true,
      report: () => undefined,
    });
    await journal.claim("e.json", "abc123", null);
    await journal.recordRun("e.json", "abc123", ranAndFailed);
    await journal.end("e.json", "abc123", "failed", "p-1", neverStarted);
    await journal.claim("e.json", "abc123", ["crm-sync"]);
    await journal.rename("e.json", "abc123", "e~1.json");
    await journal.end("e~1.json", "abc123", "ok", "p-1");
    await journal.close();
    expect(readFileSync(root.path("var", "journal.jsonl"), "utf8")).toBe(
      [
        '{"t":"claim","f":"e.json","h":"abc123","plan":null}',
        '{"t":"run","f":"e.json","h":"abc123","o":{"handler":"crm-sync","outcome":"failed","exit_code":3,"signal":null,"attempts":2}}',
        '{"t":"run","f":"e.json","h":"abc123","o":{"handler":"notify","outcome":"failed","exit_code":null,"signal":null,"attempts":1,"error":"spawn /opt/notify ENOENT"}}',
        `{"t":"end","f":"e.json","h":"abc123","r":"failed","at":${NOW},"id":"p-1"}`,
        '{"t":"claim","f":"e.json","h":"abc123","plan":["crm-sync"]}',
        '{"t":"mv","f":"e.json","h":"abc123","to":"e~1.json"}',
        `{"t":"end","f":"e~1.json","h":"abc123","r":"ok","at":${NOW},"id":"p-1"}`,
        "",
      ].join("\n"),
    );
  });

  it("failed/<name>.error.json", async () => {
    const file = root.path("spool", "failed.error.json");
    await writeSidecar(file, {
      reason: "handler crm-sync failed: exit 3 after 2 attempts (and 1 more)",
      detail:
        "handler crm-sync failed: exit 3 after 2 attempts; handler notify failed: spawn /opt/notify ENOENT",
      at: new Date().toISOString(),
      outcomes: [
        { ...toStoredOutcome(ranAndFailed), stderr: "crm: 503 from https://crm.internal\n" },
        { ...toStoredOutcome(neverStarted), stderr: "" },
      ],
    });
    expect(readFileSync(file, "utf8")).toBe(`{
  "reason": "handler crm-sync failed: exit 3 after 2 attempts (and 1 more)",
  "detail": "handler crm-sync failed: exit 3 after 2 attempts; handler notify failed: spawn /opt/notify ENOENT",
  "at": "2026-12-01T08:30:00.000Z",
  "outcomes": [
    {
      "handler": "crm-sync",
      "outcome": "failed",
      "exit_code": 3,
      "signal": null,
      "attempts": 2,
      "stderr": "crm: 503 from https://crm.internal\\n"
    },
    {
      "handler": "notify",
      "outcome": "failed",
      "exit_code": null,
      "signal": null,
      "attempts": 1,
      "error": "spawn /opt/notify ENOENT",
      "stderr": ""
    }
  ]
}
`);
  });

  it("a handler run's line in var/log/evh.log", async () => {
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    const event = fileURLToPath(new URL("../fixtures/events/client-create.json", import.meta.url));
    copyFileSync(event, spool.path("cur", "1.json"));
    const claimed = await decodeClaimed(spool, 65_536, {
      name: "1.json",
      origin: "new",
      registry: Registry.empty,
    });
    const logFile = root.path("var", "log", "evh.log");
    const log = new AgentLogger(logFile, "info", false);
    logRun(log.logger, claimed, {
      handler: "crm-sync",
      attempt: 2,
      outcome: "failed",
      exitCode: 3,
      signal: null,
      durationMs: 41,
      stdout: "synced 0\n",
      stderr: 'no "crm"',
      error: "exit 3",
      timedOut: false,
      canceled: false,
    });
    await log.close();
    expect(readFileSync(logFile, "utf8")).toBe(
      '{"attempt":2,"duration_ms":41,"event":"client_create","event_id":"optional-unique-id",' +
        '"exit_code":3,"handler":"crm-sync","level":"warn","message":"handler crm-sync failed: exit 3",' +
        '"outcome":"failed","signal":null,"stderr":"no \\"crm\\"","stdout":"synced 0\\n",' +
        '"timestamp":"2026-12-01T08:30:00.000Z"}\n',
    );
  });
});
