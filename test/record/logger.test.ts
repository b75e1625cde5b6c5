import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentLogger } from "../../src/record/logger.js";

const dirs: string[] = [];
const loggers: AgentLogger[] = [];
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((l) => l.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logIn(): { file: string; log: AgentLogger } {
  const dir = mkdtempSync(path.join(tmpdir(), "evh-logger-"));
  dirs.push(dir);
  const file = path.join(dir, "log", "evh.log");
  mkdirSync(path.dirname(file));
  // /dev/full fails every write with ENOSPC, as a full disk does.
  symlinkSync("/dev/full", file);
  const log = new AgentLogger(file, "info", false);
  loggers.push(log);
  return { file, log };
}

/** Descriptors of this process open on `target`. */
function openOn(target: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false;
    }
  }).length;
}

const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe("AgentLogger: the log file after a write error", () => {
  it("drops the file, reopens it with a backoff, and takes lines again once it can be written", async () => {
    const { file, log } = logIn();
    log.logger.info("lost", { file: "a.json" });
    await until(() => openOn("/dev/full") === 0, 2000);
    expect(openOn("/dev/full")).toBe(0);
    // The file can be written again: the next reopen (about 1 s later) opens a plain file.
    rmSync(file);
    expect(await until(() => read(file).includes("written again after ENOSPC"), 5000)).toBe(true);
    log.logger.info("kept", { file: "b.json" });
    expect(await until(() => read(file).includes('"file":"b.json"'), 2000)).toBe(true);
    const lines = read(file).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).message)).toEqual([
      expect.stringMatching(
        /^log file written again after ENOSPC; lines logged since \S+ are on the console only$/,
      ),
      "kept",
    ]);
    expect(openOn(file)).toBe(1);
  });

  it("reopens (SIGHUP) without leaking a descriptor, and flushes every line at close", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evh-logger-"));
    dirs.push(dir);
    const file = path.join(dir, "evh.log");
    const log = new AgentLogger(file, "info", false);
    for (let i = 0; i < 50; i++) {
      log.logger.info(`line ${i}`);
      log.reopen();
    }
    // The old descriptors close once their streams have flushed.
    expect(await until(() => openOn(file) === 1, 2000)).toBe(true);
    for (let i = 50; i < 1000; i++) log.logger.info(`line ${i}`);
    await log.close();
    expect(openOn(file)).toBe(0);
    const messages = read(file)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).message);
    // Each reopen is logged, after the line written before it (SIGHUP for logrotate, §8).
    const expected = Array.from({ length: 1000 }, (_, i) =>
      i < 50 ? [`line ${i}`, `log file ${file} reopened`] : [`line ${i}`],
    ).flat();
    expect(messages).toEqual(expected);
  });
});
