import { copyFileSync, symlinkSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { ClaimedEvent } from "../../src/agent/claimed-event.js";
import { DecodeQueue, type ToDecode } from "../../src/agent/decode-queue.js";
import { type DecodeDeps, decodeStep } from "../../src/agent/decode-step.js";
import type { EventDecodeError } from "../../src/errors/evh-error.js";
import { Registry } from "../../src/handlers/registry.js";
import { AgentLogger } from "../../src/record/logger.js";
import { Spool } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
let queue: DecodeQueue;
afterEach(() => {
  queue?.close();
  root?.cleanup();
});

const EVENT = fileURLToPath(new URL("../fixtures/events/client-create.json", import.meta.url));
const item = (name: string, second = false): ToDecode => ({
  name,
  origin: "new",
  second,
  registry: Registry.empty,
});

async function setUp() {
  root = makeTempRoot();
  const spool = new Spool(root.spoolDir);
  await spool.ensure();
  queue = new DecodeQueue(() => undefined);
  const ready: ClaimedEvent[] = [];
  const rejected: [string, string][] = [];
  const deps: DecodeDeps = {
    spool,
    maxEventBytes: 65_536,
    settleDelayMs: 600_000,
    logger: new AgentLogger(undefined, "error", false).logger,
    queue,
    ready: (c) => ready.push(c),
    reject: async (name: string, error: EventDecodeError) => {
      rejected.push([name, error.reason]);
    },
  };
  return { spool, deps, ready, rejected };
}

describe("decoding a claimed file", () => {
  it("a good file becomes a ready event", async () => {
    const { spool, deps, ready } = await setUp();
    copyFileSync(EVENT, spool.path("cur", "1.json"));
    await decodeStep(item("1.json"), deps);
    expect(ready.map((c) => c.event.event)).toEqual(["client_create"]);
  });

  it("a bad file is parsed once more after the settle delay, then refused", async () => {
    const { spool, deps, ready, rejected } = await setUp();
    writeFileSync(spool.path("cur", "2.json"), '{"event": "client_cr');
    await decodeStep(item("2.json"), deps);
    expect(queue.delayed).toBe(1);
    expect(rejected).toEqual([]);
    await decodeStep(item("2.json", true), deps);
    expect(rejected).toHaveLength(1);
    expect(ready).toEqual([]);
  });

  it("a file refused unread (a symlink) is refused at once", async () => {
    const { spool, deps, rejected } = await setUp();
    symlinkSync(EVENT, spool.path("cur", "3.json"));
    await decodeStep(item("3.json"), deps);
    expect(queue.delayed).toBe(0);
    expect(rejected).toEqual([["3.json", "not a regular file: symbolic link"]]);
  });

  it("a file gone meanwhile is dropped; a rejection that fails is tried again later", async () => {
    const { spool, deps, rejected } = await setUp();
    await decodeStep(item("gone.json"), deps);
    expect(queue.delayed).toBe(0);
    writeFileSync(spool.path("cur", "4.json"), "not json");
    await decodeStep(item("4.json", true), {
      ...deps,
      reject: async () => {
        throw Object.assign(new Error("EIO"), { code: "EIO" });
      },
    });
    expect(rejected).toEqual([]);
    expect(queue.delayed).toBe(1);
  });
});
