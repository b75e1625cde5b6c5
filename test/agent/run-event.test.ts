import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { decodeClaimed } from "../../src/agent/decode-claimed.js";
import { DecodeQueue } from "../../src/agent/decode-queue.js";
import { type RunEventDeps, runEvent } from "../../src/agent/run-event.js";
import { Registry } from "../../src/handlers/registry.js";
import { Journal } from "../../src/record/journal.js";
import { AgentLogger } from "../../src/record/logger.js";
import { Spool } from "../../src/spool/spool.js";
import { readLog } from "../helpers/agent-log.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
let queue: DecodeQueue;
afterEach(() => {
  queue?.close();
  root?.cleanup();
});

const EVENT = fileURLToPath(new URL("../fixtures/events/client-create.json", import.meta.url));

async function setUp() {
  root = makeTempRoot();
  const spool = new Spool(root.spoolDir);
  await spool.ensure();
  copyFileSync(EVENT, spool.path("cur", "1.json"));
  const claimed = await decodeClaimed(spool, 65_536, {
    name: "1.json",
    origin: "new",
    registry: Registry.empty,
  });
  const journal = await Journal.open(root.varDir, { dedupeWindowMs: 0, exists: () => true });
  const logFile = root.path("var", "log", "evh.log");
  const log = new AgentLogger(logFile, "info", false);
  queue = new DecodeQueue(() => undefined);
  const deps: RunEventDeps = {
    keepDone: false,
    spool,
    journal,
    logger: log.logger,
    queue,
    stopping: () => false,
    run: () => {
      throw new Error("no handler matches this event");
    },
  };
  return { spool, claimed, journal, log, logFile, deps };
}

describe("running one event", () => {
  it("with no matching handler, the event is done: removed from cur/ and logged", async () => {
    const { spool, claimed, journal, log, logFile, deps } = await setUp();
    await runEvent(claimed, deps);
    await journal.close();
    await log.close();
    expect(existsSync(spool.path("cur", "1.json"))).toBe(false);
    expect(readLog(logFile).map((e) => e.message)).toEqual(["event done"]);
    expect(queue.delayed).toBe(0);
  });

  it("an error on the way (a journal that cannot be written) leaves it in cur/, put aside to resume", async () => {
    const { spool, claimed, journal, log, logFile, deps } = await setUp();
    await journal.close();
    await runEvent(claimed, deps);
    await log.close();
    expect(existsSync(spool.path("cur", "1.json"))).toBe(true);
    expect(queue.delayed).toBe(1);
    expect(readLog(logFile).map((e) => e.message)).toEqual([
      expect.stringMatching(/^error processing 1\.json: /),
    ]);
  });
});
