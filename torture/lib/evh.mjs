/**
 * Driving bin/evh and waiting for what it does: the one set shared by the
 * torture scripts (torture/lib) and the vitest helpers (test/helpers), typed
 * for TypeScript by evh.d.mts. It is plain .mjs so that `node torture/*.mjs`
 * runs it without a build.
 *
 * Programs that run to completion go through execa: its timeout, captured
 * output and one clear error for a program that cannot start replace
 * hand-written spawn code. The agent is a long-lived node:child_process child
 * whose console is read as it runs: execa's defaults (a SIGKILL 5 s after
 * SIGTERM, output buffered to the end) would fight the graceful-stop tests.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
/** The real entry point, as a user runs it. */
export const EVH_BIN = path.join(REPO, "bin", "evh");

/**
 * What every bin/evh run here gets: no colours, and a system root that does
 * not exist, so that nothing depends on whether this machine has an /etc/evh.
 */
export const TEST_ENV = { NO_COLOR: "1", EVH_SYSTEM_ROOT: "/nonexistent/evh-system-root" };

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every `pollMs` until it is truthy; returns its value, or undefined after `timeoutMs`. */
export async function until(condition, timeoutMs, pollMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(pollMs);
  }
}

/**
 * Polls `condition` until it returns a truthy value, or throws after
 * `timeoutMs` naming what was awaited (and the condition's last error: one
 * that throws is polled again). Wait for conditions, never for fixed times.
 */
export async function waitFor(condition, timeoutMs = 10_000, what = "condition") {
  let last;
  const value = await until(async () => {
    try {
      return await condition();
    } catch (error) {
      last = error;
      return undefined;
    }
  }, timeoutMs);
  if (value) return value;
  const why = last instanceof Error ? `: ${last.message}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
}

/**
 * Runs a program to completion: {code, signal, timedOut, ms, stdout,
 * stderr}, output as printed (trailing newline kept). A non-zero exit, a
 * signal and a timeout (`timeoutMs`, default 30 s, then SIGKILL) are results,
 * not errors; a program that cannot be started throws execa's one-line
 * error. `uid`/`gid` run it as another user; `cleanEnv` gives it only `env`;
 * `signal` (an AbortSignal) ends it early.
 */
export async function run(file, args, options = {}) {
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: !options.cleanEnv,
    uid: options.uid,
    gid: options.gid,
    input: options.input ?? "",
    timeout: options.timeoutMs ?? 30_000,
    cancelSignal: options.signal,
    killSignal: "SIGKILL",
    reject: false,
    stripFinalNewline: false,
  });
  if (result.exitCode === undefined && result.signal === undefined) {
    throw new Error(result.shortMessage);
  }
  return {
    code: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut: result.timedOut,
    ms: Math.round(result.durationMs),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/**
 * Runs `bin/evh ARGS` to completion with TEST_ENV: {code, stdout, stderr}
 * (what the tests compare whole). One that outlives `timeoutMs` is an error
 * with its output so far, not a result with an empty exit code.
 */
export async function runEvh(args, options = {}) {
  const result = await run(EVH_BIN, args, { ...options, env: { ...TEST_ENV, ...options.env } });
  if (result.timedOut) {
    throw new Error(
      `evh ${args.join(" ")} timed out after ${options.timeoutMs ?? 30_000} ms; stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

/** Console output kept per agent: enough to explain a failure, bounded for runs of thousands of events. */
const OUTPUT_TAIL_CHARS = 256 * 1024;

/**
 * Starts `bin/evh run --root ROOT ARGS` (optionally under `ulimit -n`) and,
 * unless `waitReady: false`, waits for "agent ready". `root` is a directory
 * or anything with a `dir`. The pid is the agent's own (the shell execs it),
 * so kill -9 and /proc/<pid>/status reach the agent.
 */
export async function startAgent(root, options = {}) {
  const dir = typeof root === "string" ? root : root.dir;
  const evhArgs = ["run", "--root", dir, ...(options.args ?? [])];
  const [file, args] =
    options.ulimitFiles === undefined
      ? [EVH_BIN, evhArgs]
      : [
          "/bin/sh",
          ["-c", `ulimit -n ${options.ulimitFiles} && exec "$0" "$@"`, EVH_BIN, ...evhArgs],
        ];
  const child = spawn(file, args, {
    env: { ...process.env, ...TEST_ENV, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const agent = new AgentProcess(child);
  if (options.waitReady !== false) await agent.ready(options.readyTimeoutMs ?? 20_000);
  return agent;
}

/** A running `bin/evh run`, with its console output collected. */
export class AgentProcess {
  constructor(child) {
    this.child = child;
    this.pid = child.pid ?? -1;
    this.tail = "";
    this.expectedExit = false;
    this.exitInfo = undefined;
    // Remembered apart from the tail, which a flood of output may cut.
    this.readySeen = false;
    const onData = (d) => {
      if (!this.readySeen && d.includes("agent ready")) this.readySeen = true;
      this.tail = (this.tail + d).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.stderr.setEncoding("utf8").on("data", onData);
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get alive() {
    return this.exitInfo === undefined;
  }

  /** True when the agent exited without being asked to (a crash). */
  get crashed() {
    return this.exitInfo !== undefined && !this.expectedExit;
  }

  /** What the agent printed so far (stdout and stderr; the last 256 KiB). */
  output() {
    return this.tail;
  }

  /** Waits until the console output matches. */
  async waitForOutput(pattern, timeoutMs = 10_000) {
    await waitFor(
      () => (typeof pattern === "string" ? this.tail.includes(pattern) : pattern.test(this.tail)),
      timeoutMs,
      `agent output ${String(pattern)}; got:\n${this.tail.slice(-4000)}`,
    );
  }

  /** Waits for "agent ready"; fails at once, with the output, if the agent exits first. */
  async ready(timeoutMs = 20_000) {
    await until(() => this.readySeen || !this.alive, timeoutMs);
    if (!this.readySeen) {
      throw new Error(
        `agent not ready (exit ${JSON.stringify(this.exitInfo)}); output:\n${this.tail.slice(-4000)}`,
      );
    }
  }

  /** kill -9, and wait until the process is gone. */
  async kill9() {
    this.expectedExit = true;
    if (this.alive) this.child.kill("SIGKILL");
    return this.exited;
  }

  /** Sends `signal` (SIGTERM) and waits for the exit, SIGKILL after `timeoutMs`; returns {code, signal}. */
  async stop(signal = "SIGTERM", timeoutMs = 40_000) {
    this.expectedExit = true;
    if (!this.alive) return this.exitInfo;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  signal(name) {
    if (this.alive) this.child.kill(name);
  }

  /** Peak resident memory so far, in KiB (VmHWM), or undefined once exited. */
  peakRssKiB() {
    return procStatusKiB(this.pid, "VmHWM");
  }

  rssKiB() {
    return procStatusKiB(this.pid, "VmRSS");
  }
}

function procStatusKiB(pid, field) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
