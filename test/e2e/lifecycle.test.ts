import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { readLog, runsIn, waitForLog, withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, runEvh } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

/** A root whose handler records each event id, then holds until out/release exists. */
function holdingRoot(): E2eRoot {
  const root = newRoot();
  root.handler("hold.yaml", {
    id: "hold",
    event: "*",
    command: [fixtureScript("hang-until.sh"), root.out("runs"), root.out("release")],
  });
  return root;
}

/** The agent's pid as `evh status --json` reports it (null: not running). */
async function statusPid(root: E2eRoot): Promise<number | null> {
  const r = await runEvh(["status", "--json", "--root", root.dir]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { agent: { pid: number | null } }).agent.pid;
}

describe("starting", () => {
  test("bin/evh run is node with the agent's V8 heap flags, in the process that was started", async () => {
    const root = newRoot();
    const agent = await root.start();
    // The pid spawned is the agent's (bin/evh's shell line execs node), its flags before the script.
    const argv = readFileSync(`/proc/${agent.pid}/cmdline`, "utf8").split("\0");
    expect(argv.slice(1, 6)).toEqual([
      "--max-semi-space-size=1",
      "--heap-growing-percent=20",
      EVH_BIN,
      "run",
      "--root",
    ]);
  });
});

describe("one agent per spool", () => {
  test("a second evh run on the same root exits 1 naming the running agent's pid", async () => {
    const root = newRoot();
    const agent = await root.start();
    const second = await runEvh(["run", "--root", root.dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another evh agent (pid ${agent.pid}) is running`);
    expect(await statusPid(root)).toBe(agent.pid);
    expect(agent.child.exitCode).toBeNull();
  });

  test("a lock or pid file holding a live, unrelated pid does not block the start", async () => {
    const root = newRoot();
    // What an agent of an earlier version left behind, its pid since reused by another process.
    mkdirSync(root.varDir, { mode: 0o700 });
    writeFileSync(root.path("var", "evh.lock"), `${process.pid}\n`);
    writeFileSync(root.path("var", "evh.pid"), "1\n");
    const agent = await root.start();
    expect(await statusPid(root)).toBe(agent.pid);
  });

  test("the lock is the kernel's: after a kill -9 the next agent starts at once", async () => {
    const root = newRoot();
    const first = await root.start();
    expect((await first.stop("SIGKILL")).code).toBeNull();
    expect(await statusPid(root)).toBeNull();
    const second = await root.start();
    expect(await statusPid(root)).toBe(second.pid);
  });

  test("10 agents started at the same moment: exactly one becomes ready, the others exit 1 naming it", async () => {
    const root = newRoot();
    const agents = await Promise.all(
      Array.from({ length: 10 }, () => root.start([], { waitReady: false })),
    );
    await waitFor(
      () =>
        agents.filter((a) => a.child.exitCode === 1).length === 9 &&
        agents.some((a) => a.output().includes("agent ready")),
      60_000,
      "nine agents to give up and one to be ready",
    );
    const ready = agents.filter((a) => a.output().includes("agent ready"));
    expect(ready).toHaveLength(1);
    const winner = ready[0] as (typeof agents)[number];
    expect(winner.child.exitCode).toBeNull();
    for (const a of agents) {
      if (a === winner) continue;
      expect(a.child.exitCode).toBe(1);
      expect(a.output()).toContain(`another evh agent (pid ${winner.pid}) is running`);
    }
    expect(await statusPid(root)).toBe(winner.pid);
  });
});

describe("stopping during start-up", () => {
  test("SIGTERM while the backlog is still being listed: a clean exit 0, the lock released", async () => {
    const root = newRoot();
    // Enough backlog that start-up (listing and ordering new/) outlasts the signal's way in.
    for (let i = 0; i < 3000; i++) root.write(`spool/new/${String(i).padStart(5, "0")}.json`, "{}");
    const agent = await root.start([], { waitReady: false });
    await agent.waitForOutput("handlers loaded");
    const { code } = await agent.stop("SIGTERM");
    expect(code).toBe(0);
    expect(await statusPid(root)).toBeNull();
    expect(agent.output()).toContain("received SIGTERM");
  });
});

describe("stopping", () => {
  test.each(["SIGTERM", "SIGINT"] as const)(
    "%s: a running handler may finish within the grace period, nothing else starts, exit 0",
    async (signal) => {
      const root = holdingRoot();
      root.configure({ grace: "30s" });
      const agent = await root.start();
      const running = root.drop({ event: "client_create" });
      await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to start");
      const claimed = root.drop({ event: "client_create" });
      await waitFor(() => root.files("cur").includes(claimed), 10_000, "the next one claimed");

      agent.child.kill(signal);
      await waitForLog(root.logFile, (e) => e.message === "stopping: waiting for running handlers");
      const late = root.drop({ event: "client_create" });
      writeFileSync(root.out("release"), "");

      expect((await agent.exited).code).toBe(0);
      expect(runsIn(root.logFile).map((r) => [r.event_id, r.outcome])).toEqual([
        [eventIdOf(running), "ok"],
      ]);
      // Claimed but not started: it stays in cur/ for the next start. Dropped later: not taken.
      expect(root.lines("runs")).toEqual([eventIdOf(running)]);
      expect(root.files("cur")).toEqual([claimed]);
      expect(root.files("new")).toEqual([late]);
      expect(await statusPid(root)).toBeNull();
    },
  );

  test("a second SIGTERM ends the grace period at once: the handler is killed, exit 0", async () => {
    const root = holdingRoot();
    const agent = await root.start(["--grace", "10m"]);
    const interrupted = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to start");
    agent.child.kill("SIGTERM");
    await waitForLog(root.logFile, (e) => e.message === "stopping: waiting for running handlers");
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
    const messages = readLog(root.logFile).map((e) => e.message);
    expect(messages).toContain("received SIGTERM again: stopping now");
    expect(messages).toContain("grace period over: killing running handlers");
    expect(messages.at(-1)).toBe("agent stopped");
    expect(root.files("cur")).toEqual([interrupted]);
    expect(await statusPid(root)).toBeNull();
  });

  test("past the grace period the handler is killed, its event stays in cur/ and is resumed first", async () => {
    const root = holdingRoot();
    const agent = await root.start(["--grace", "1s"]);
    const interrupted = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to start");
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
    expect(withMessage(root.logFile, "grace period over")).toHaveLength(1);
    expect(root.files("cur")).toEqual([interrupted]);
    // The run is logged as canceled; it is not journaled as an outcome, so it runs again.
    expect(runsIn(root.logFile).map((r) => [r.event_id, r.message])).toEqual([
      [
        eventIdOf(interrupted),
        "handler hold stopped by the shutdown; it runs again at the next start",
      ],
    ]);

    // While the agent is down, another event arrives; the handler will not hold any more.
    const waiting = root.drop({ event: "client_create" });
    writeFileSync(root.out("release"), "");
    const again = await root.start();
    expect(again.output()).toContain("1 event resumed from cur/");
    await waitFor(() => root.lines("runs").length === 3, 10_000, "both events");
    expect(root.lines("runs")).toEqual([interrupted, interrupted, waiting].map(eventIdOf));
    await waitFor(() => root.files("cur").length === 0);
    expect(root.files("failed")).toEqual([]);
  });
});

describe("stopping during a retry backoff", () => {
  test("no further attempt starts; the event stays in cur/ and runs again at the next start", async () => {
    const root = newRoot({ grace: "30s" });
    root.handler("flaky.yaml", {
      id: "flaky",
      event: "*",
      retry: { attempts: 3, backoff: "5s" },
      command: [fixtureScript("count-attempts.sh"), root.out("attempts")],
    });
    const agent = await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => runsIn(root.logFile).length === 1, 10_000, "the first attempt");
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
    expect(root.lines("attempts")).toEqual(["1"]);
    expect(root.files("cur")).toEqual([name]);
    expect(root.files("failed")).toEqual([]);

    // Fixed while the agent was down: the resumed event runs with the current definition.
    root.handler("flaky.yaml", {
      id: "flaky",
      event: "*",
      command: [fixtureScript("record-run.sh"), root.out("runs")],
    });
    await root.start();
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the resumed run");
    expect(root.lines("runs")).toEqual([`${eventIdOf(name)} flaky 1`]);
    await waitFor(() => root.files("cur").length === 0);
    expect(root.files("failed")).toEqual([]);
  });
});

describe("the console", () => {
  test("the agent keeps working, logging to its file, when its console goes away (EPIPE)", async () => {
    const root = newRoot();
    root.handler("ok.yaml", { id: "ok", event: "*", command: [fixtureScript("exit-code.sh")] });
    const agent = await root.start();
    // Like `evh run | head` once head is gone, or a terminal that was closed.
    agent.child.stdout?.destroy();
    agent.child.stderr?.destroy();
    const names = [root.drop({ event: "client_create" }), root.drop({ event: "client_create" })];
    for (const name of names) {
      await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === name);
    }
    expect(agent.child.exitCode).toBeNull();
    expect(withMessage(root.logFile, "console output failed: EPIPE")).toHaveLength(1);
    agent.child.kill("SIGTERM");
    expect((await agent.exited).code).toBe(0);
  });
});

describe("SIGHUP", () => {
  test("reopens the log file: after logrotate renames it, new lines go to a fresh evh.log", async () => {
    const root = newRoot();
    root.handler("ok.yaml", { id: "ok", event: "*", command: [fixtureScript("exit-code.sh")] });
    const agent = await root.start();
    const rotated = `${root.logFile}.1`;
    renameSync(root.logFile, rotated);
    agent.child.kill("SIGHUP");
    await waitForLog(root.logFile, (e) => e.message.startsWith("handlers reloaded on SIGHUP"));
    const name = root.drop({ event: "client_create" });
    await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === name);

    expect(runsIn(root.logFile).map((r) => r.event_id)).toEqual([eventIdOf(name)]);
    const old = readLog(rotated);
    expect(old.some((e) => e.message.startsWith("agent ready"))).toBe(true);
    expect(old.some((e) => e.file === name || e.event_id === eventIdOf(name))).toBe(false);
  });
});
