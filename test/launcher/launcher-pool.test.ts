import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/execute/process-session.js";
import type { StartRequest, StartResult } from "../../src/execute/start-request.js";
import { LAUNCHER_HEAP_FLAGS, LAUNCHER_SCRIPT, Launcher } from "../../src/launcher/launcher.js";
import { LauncherPool, launcherCount } from "../../src/launcher/launcher-pool.js";
import { script } from "../execute/fixtures.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { waitFor } from "../helpers/wait-for.js";

/*
 * Real launcher processes (dist/launcher/main.js, built by `npm test`), real
 * handlers, real signals: the fault stories of docs/architecture.md,
 * "Launchers", one by one.
 */

let root: TempRoot;
let pool: LauncherPool | undefined;
const reports: string[] = [];
const leftovers: number[] = [];

beforeEach(() => {
  root = makeTempRoot("evh-launcher-");
  reports.length = 0;
});
afterEach(async () => {
  await pool?.close(2000);
  pool = undefined;
  const survivors = leftovers.filter(isProcessAlive);
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  root.cleanup();
  expect(survivors).toEqual([]);
});

/** A launcher gone wrong: it starts its first run, then answers with a line that is not JSON. */
const GARBAGE_LAUNCHER = fileURLToPath(
  new URL("../fixtures/launchers/garbage-after-start.mjs", import.meta.url),
);

function makePool(size = 1, hangMs?: number, script?: string): LauncherPool {
  pool = new LauncherPool({ size, report: (line) => reports.push(line), hangMs, script });
  return pool;
}

function request(
  file: string,
  args: string[],
  overrides: Partial<StartRequest> = {},
): StartRequest {
  return {
    program: { file, args, env: { PATH: "/usr/bin:/bin" }, uid: undefined, gid: undefined },
    cwd: "/",
    stdin: undefined,
    timeoutMs: 0,
    killAfterMs: 300,
    rootLockFile: root.path("root.event_handler.lock"),
    runAsUid: 4242,
    ...overrides,
  };
}

function ended(result: StartResult) {
  if (result.kind !== "ended") throw new Error(`expected an end, got ${JSON.stringify(result)}`);
  return result.end;
}

/** The pid of a one-launcher pool's launcher, once it runs. */
async function onlyLauncher(p: LauncherPool): Promise<number> {
  const [pid] = await waitFor(
    () => (p.pids.length === 1 ? p.pids : undefined),
    20_000,
    "a launcher",
  );
  return pid as number;
}

/** Starts `sleep-forever.sh` and waits until the agent side knows its session. */
async function startLongRun(p: LauncherPool, signal = new AbortController().signal) {
  const result = p.start(request(script("sleep-forever.sh"), []), signal);
  const sid = await waitFor(() => p.sessions[0], 20_000, "the run's session to be known");
  leftovers.push(sid);
  return { result, sid };
}

describe("launcherCount", () => {
  it("is the concurrency, at most the cores, at least one", () => {
    expect(launcherCount(1, 8)).toBe(1);
    expect(launcherCount(4, 2)).toBe(2);
    expect(launcherCount(2, 2)).toBe(2);
    expect(launcherCount(0, 2)).toBe(1);
  });
});

describe("LauncherPool: runs", () => {
  it("is ready once every launcher has said so (long before the 60 s fallback)", async () => {
    const p = makePool(2);
    await p.ready(60_000); // the test's own timeout is 30 s: only the launchers' "ready" ends this

    expect(p.pids).toHaveLength(2);
    const end = ended(await p.start(request("/bin/true", []), new AbortController().signal));
    expect(end.exitCode).toBe(0);
  });

  it("runs a program and returns its exit status, output and stdin round trip", async () => {
    const p = makePool();
    const end = ended(
      await p.start(
        request("/bin/sh", ["-c", 'cat; printf "%s" "$NEW_X" >&2; exit 3'], {
          program: {
            file: "/bin/sh",
            args: ["-c", 'cat; printf "%s" "$NEW_X" >&2; exit 3'],
            env: { NEW_X: "пример.рф" },
            uid: undefined,
            gid: undefined,
          },
          stdin: Buffer.from('{"a":1}'),
        }),
        new AbortController().signal,
      ),
    );
    expect(end).toMatchObject({ spawnError: undefined, exitCode: 3, signal: null });
    expect(end.stdout.bytes().toString()).toBe('{"a":1}');
    expect(end.stderr.bytes().toString()).toBe("пример.рф");
  });

  it("reports a program that cannot start by its errno", async () => {
    const p = makePool();
    const end = ended(
      await p.start(request(root.path("missing"), []), new AbortController().signal),
    );
    expect(end.spawnError).toBe("ENOENT");
  });

  it("stops a run at its deadline, and on cancel, session and all", async () => {
    const p = makePool(2);
    const pidFile = root.path("child.pid");
    const timedOut = ended(
      await p.start(
        request(script("spawn-child.sh"), [pidFile, "wait"], { timeoutMs: 200 }),
        new AbortController().signal,
      ),
    );
    expect(timedOut).toMatchObject({ stoppedFor: "timeout", signal: "SIGTERM" });
    const child = Number(readFileSync(pidFile, "utf8"));
    leftovers.push(child);
    expect(isProcessAlive(child)).toBe(false);

    const abort = new AbortController();
    const { result, sid } = await startLongRun(p, abort.signal);
    abort.abort();
    expect(ended(await result)).toMatchObject({ stoppedFor: "canceled" });
    expect(isProcessAlive(sid)).toBe(false);
  });

  it("refuses a root run when the root lock appears, checked in the launcher", async () => {
    const p = makePool();
    writeFileSync(root.path("root.event_handler.lock"), "");
    const result = await p.start(
      request("/bin/true", [], { runAsUid: 0 }),
      new AbortController().signal,
    );
    expect(result).toMatchObject({ kind: "refused" });
    expect(result.kind === "refused" && result.reason).toMatch(/root\.event_handler\.lock/);
  });

  it("gives a launcher no environment, and the agent's node flags with its own heap flags", async () => {
    const p = makePool();
    const launcher = await onlyLauncher(p);
    expect(readFileSync(`/proc/${launcher}/environ`, "latin1")).toBe("");
    const argv = readFileSync(`/proc/${launcher}/cmdline`, "latin1").split("\0").filter(Boolean);
    expect(argv).toEqual([
      process.execPath,
      ...process.execArgv.filter((f) => !/^--(inspect|max-semi|optimize-for)/.test(f)),
      ...LAUNCHER_HEAP_FLAGS,
      LAUNCHER_SCRIPT,
    ]);
  });

  it("spreads runs over its launchers", async () => {
    const p = makePool(2);
    await waitFor(() => p.pids.length === 2, 20_000, "two launchers");
    const a = await startLongRun(p);
    const b = p.start(request(script("sleep-forever.sh"), []), new AbortController().signal);
    await waitFor(() => p.sessions.length === 2, 20_000, "both runs under way");
    leftovers.push(...p.sessions);
    const launchersOfRuns = new Set(p.sessions.map(parentOf));
    expect(launchersOfRuns).toEqual(new Set(p.pids));
    await p.close(2000);
    await Promise.all([a.result, b]);
  });
});

describe("LauncherPool: faults", () => {
  it("a launcher killed with kill -9: its runs' sessions are stopped, the runs lost, the launcher replaced", async () => {
    const p = makePool();
    const launcher = await onlyLauncher(p);
    const { result, sid } = await startLongRun(p);
    process.kill(launcher, "SIGKILL");
    expect(await result).toMatchObject({
      kind: "lost",
      reason: "its launcher was killed by SIGKILL",
    });
    expect(isProcessAlive(sid)).toBe(false);
    expect(reports).toEqual([
      `launcher 1 (pid ${launcher}) was killed by SIGKILL: 1 running handler stopped, each to run once more; restarting it`,
    ]);
    const [next] = await waitFor(
      () => (p.pids.length === 1 ? p.pids : undefined),
      20_000,
      "a new launcher",
    );
    expect(next).not.toBe(launcher);
    const end = ended(await p.start(request("/bin/true", []), new AbortController().signal));
    expect(end.exitCode).toBe(0);
  });

  it("a run handed to a launcher already lost ends as lost at once, never waits for an answer", async () => {
    const launcher = new Launcher((_, reason) => reports.push(reason));
    await waitFor(() => launcher.pid, 20_000, "the launcher's pid");
    process.kill(launcher.pid as number, "SIGKILL");
    await waitFor(() => !launcher.usable, 20_000, "the launcher seen lost");
    const result = await launcher.start(request("/bin/true", []), new AbortController().signal);
    expect(result).toEqual({ kind: "lost", reason: "its launcher was killed by SIGKILL" });
    expect(reports).toEqual(["was killed by SIGKILL"]);
  });

  it("a launcher that sends garbage is killed and replaced, and says so", async () => {
    const p = makePool(1, undefined, GARBAGE_LAUNCHER);
    const launcher = await onlyLauncher(p);
    const result = p.start(request("/bin/true", []), new AbortController().signal);
    // The fixture starts a session, says so, then writes "garbage": the agent reads that line as its answer.
    expect(await result).toMatchObject({ kind: "lost" });
    const sid = Number(/"garbage (\d+)"/.exec(reports[0] ?? "")?.[1]);
    leftovers.push(sid);
    expect(reports[0]).toBe(
      `launcher 1 (pid ${launcher}) sent a malformed answer (not JSON: "garbage ${sid}"): 1 running handler stopped, each to run once more; restarting it`,
    );
    expect(isProcessAlive(sid)).toBe(false);
    await waitFor(() => p.pids.length === 1 && p.pids[0] !== launcher, 20_000, "a new launcher");
  });

  it("a launcher lost before it said ready does not hold the pool's readiness", async () => {
    const p = makePool(1, undefined, GARBAGE_LAUNCHER);
    let ready = false;
    const settled = p.ready(60_000).then(() => {
      ready = true;
    });
    const launcher = await onlyLauncher(p);
    expect(ready).toBe(false); // this launcher never says it is ready
    process.kill(launcher, "SIGKILL");
    await settled; // the test's own timeout is 30 s: only the loss ends this
    expect(reports[0]).toMatch(/was killed by SIGKILL/);
  });

  it("a launcher that hangs (SIGSTOP) is taken for hung, killed and replaced", async () => {
    const p = makePool(1, 600);
    const launcher = await onlyLauncher(p);
    const { result, sid } = await startLongRun(p);
    process.kill(launcher, "SIGSTOP");
    expect(await result).toMatchObject({ kind: "lost" });
    expect(isProcessAlive(sid)).toBe(false);
    expect(isProcessAlive(launcher)).toBe(false);
    expect(reports[0]).toMatch(
      new RegExp(
        `^launcher 1 \\(pid ${launcher}\\) answered nothing for 1 s \\(hung\\): 1 running handler stopped`,
      ),
    );
    await waitFor(() => p.pids.length === 1 && p.pids[0] !== launcher, 20_000, "a new launcher");
  });

  it("closing: a launcher whose agent is gone stops its runs and exits", async () => {
    const p = makePool();
    const launcher = await onlyLauncher(p);
    const { result, sid } = await startLongRun(p);
    await p.close(5000);
    pool = undefined;
    expect(await result).toMatchObject({ kind: "lost", reason: "the agent stopped" });
    expect(isProcessAlive(sid)).toBe(false);
    expect(isProcessAlive(launcher)).toBe(false);
    expect(reports).toEqual([]);
  });
});

/** The parent pid, from /proc/<pid>/stat (`pid (comm) state ppid ...`). */
function parentOf(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, "latin1");
  return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[1]);
}
