import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquireInstanceLock,
  lockAddress,
  lockLabel,
  runningAgentPid,
} from "../../src/agent/instance-lock.js";
import { AgentRunningError, LockHeldError } from "../../src/errors/evh-error.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
const releases: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const release of releases.splice(0)) await release();
  root?.cleanup();
});

describe("instance lock (abstract socket named after the spool)", () => {
  it("is held once; the holder answers with its pid; released, it can be taken again", async () => {
    root = makeTempRoot();
    const release = await acquireInstanceLock(root.spoolDir);
    expect(await runningAgentPid(root.spoolDir)).toBe(process.pid);
    const second = acquireInstanceLock(root.spoolDir);
    await expect(second).rejects.toBeInstanceOf(AgentRunningError);
    await expect(second).rejects.toMatchObject({
      pid: process.pid,
      lock: lockLabel(root.spoolDir),
    });
    await release();
    expect(await runningAgentPid(root.spoolDir)).toBeUndefined();
    releases.push(await acquireInstanceLock(root.spoolDir));
  });

  it("the same spool reached through another path is the same lock", async () => {
    root = makeTempRoot();
    expect(lockAddress(`${root.dir}/./spool`)).toBe(lockAddress(root.spoolDir));
    expect(lockAddress(root.spoolDir)).not.toBe(lockAddress(root.path("handlers.d")));
  });

  it("a name squatted by something that is not an agent is refused with its own error", async () => {
    root = makeTempRoot();
    const squatter = net.createServer((socket) => socket.end("hello\n"));
    await new Promise<void>((resolve) =>
      squatter.listen({ path: lockAddress(root.spoolDir) }, resolve),
    );
    releases.push(() => new Promise((resolve) => squatter.close(() => resolve())));
    await expect(acquireInstanceLock(root.spoolDir)).rejects.toBeInstanceOf(LockHeldError);
    expect(await runningAgentPid(root.spoolDir)).toBe("foreign");
  });
});
