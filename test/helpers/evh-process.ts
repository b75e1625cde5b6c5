import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.js";

/** The real entry point, as a user runs it. */
export const EVH_BIN = fileURLToPath(new URL("../../bin/evh", import.meta.url));

/**
 * What every test's bin/evh gets: no colours, and a system root that does not
 * exist, so that no test depends on whether this machine has an /etc/evh.
 */
export const TEST_ENV = { NO_COLOR: "1", EVH_SYSTEM_ROOT: "/nonexistent/evh-system-root" };

export interface EvhResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin/evh ARGS` to completion. */
export function runEvh(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<EvhResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(EVH_BIN, args, {
      cwd: options.cwd,
      env: { ...process.env, ...TEST_ENV, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A running `bin/evh run`, with its console output collected. */
export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the agent printed so far (stdout and stderr). */
  output(): string;
  /** Waits until the console output matches. */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Sends a signal and waits for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `bin/evh run --root ROOT ...args` and waits until it says it is ready. */
export async function startAgent(
  root: string,
  args: readonly string[] = [],
  options: { env?: NodeJS.ProcessEnv; waitReady?: boolean } = {},
): Promise<AgentProcess> {
  const child = spawn(EVH_BIN, ["run", "--root", root, ...args], {
    env: { ...process.env, ...TEST_ENV, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const agent: AgentProcess = {
    child,
    pid: child.pid ?? -1,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 10_000) {
      await waitFor(
        () => (typeof pattern === "string" ? output.includes(pattern) : pattern.test(output)),
        timeoutMs,
        `agent output ${String(pattern)}; got:\n${output}`,
      );
    },
    async stop(signal = "SIGTERM", timeoutMs = 40_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    exited,
  };
  if (options.waitReady !== false) await agent.waitForOutput("agent ready");
  return agent;
}
