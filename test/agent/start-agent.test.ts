import { afterEach, describe, expect, it, vi } from "vitest";
import { acquireInstanceLock } from "../../src/agent/instance-lock.js";
import { AgentRunningError, resolveConfig, startAgent } from "../../src/index.js";
import { Journal } from "../../src/record/journal.js";
import { readLog } from "../helpers/agent-log.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => {
  vi.restoreAllMocks();
  root?.cleanup();
});

function config() {
  root = makeTempRoot();
  root.write("evh.yaml", "concurrency: 1\n");
  return resolveConfig({ root: root.dir, env: {}, cwd: root.dir });
}

describe("startAgent (the library entry)", () => {
  it("runs an agent that holds the spool, logs to var/log/evh.log, and releases all on close", async () => {
    const cfg = config();
    const agent = await startAgent(cfg);
    await expect(startAgent(cfg)).rejects.toBeInstanceOf(AgentRunningError);
    await agent.close();
    const release = await acquireInstanceLock(cfg.spoolDir);
    await release();
    const messages = readLog(cfg.logFile).map((e) => e.message);
    expect(messages).toContain("handlers loaded: 0 active");
    expect(messages.at(-1)).toBe("agent stopped");
  });

  it("releases the instance lock when journal.close() throws", async () => {
    const cfg = config();
    const agent = await startAgent(cfg);
    // The one stand-in of this file: a journal whose close fails (EIO on its last sync).
    vi.spyOn(Journal.prototype, "close").mockRejectedValueOnce(
      Object.assign(new Error("EIO: i/o error, close"), { code: "EIO" }),
    );
    await expect(agent.close()).rejects.toThrow("EIO");
    // Taken at once: the lock was released in spite of the journal.
    const release = await acquireInstanceLock(cfg.spoolDir);
    await release();
  });
});
