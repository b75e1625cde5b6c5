// Types of torture/lib/evh.mjs, for the vitest helpers (test/helpers) and test/torture.
import type { ChildProcess } from "node:child_process";

export const REPO: string;
/** The real entry point, as a user runs it. */
export const EVH_BIN: string;
/** No colours, and a system root that does not exist. */
export const TEST_ENV: Readonly<Record<string, string>>;

export function sleep(ms: number): Promise<void>;

/** Polls until truthy; its value, or undefined after `timeoutMs`. */
export function until<T>(
  condition: () => T | Promise<T>,
  timeoutMs: number,
  pollMs?: number,
): Promise<T | undefined>;

/** Polls until truthy; throws after `timeoutMs` (default 10 s) naming `what`. */
export function waitFor<T>(
  condition: () => T | Promise<T>,
  timeoutMs?: number,
  what?: string,
): Promise<NonNullable<T>>;

export interface RunOptions {
  readonly cwd?: string;
  /** Over the caller's environment (or alone, with `cleanEnv`). */
  readonly env?: NodeJS.ProcessEnv;
  readonly cleanEnv?: boolean;
  readonly uid?: number;
  readonly gid?: number;
  /** Ends the program early. */
  readonly signal?: AbortSignal;
  /** stdin (default: empty). */
  readonly input?: string;
  /** SIGKILL after this long (default 30 s). */
  readonly timeoutMs?: number;
}

export interface RunResult {
  /** Exit status; null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed after `timeoutMs`. */
  readonly timedOut: boolean;
  /** How long it ran. */
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `runEvh` gives: the tests compare it whole. */
export interface EvhResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion; throws only when it cannot be started. */
export function run(
  file: string,
  args: readonly string[],
  options?: RunOptions,
): Promise<RunResult>;

/** Runs `bin/evh ARGS` to completion, with TEST_ENV; throws on a timeout. */
export function runEvh(args: readonly string[], options?: RunOptions): Promise<EvhResult>;

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** After `run --root ROOT`. */
  readonly args?: readonly string[];
  /** Over the caller's environment and TEST_ENV. */
  readonly env?: NodeJS.ProcessEnv;
  /** Start under `ulimit -n N`. */
  readonly ulimitFiles?: number;
  /** Wait for "agent ready" (default true). */
  readonly waitReady?: boolean;
  readonly readyTimeoutMs?: number;
}

/** Starts `bin/evh run --root ROOT`; `root` is a directory or has a `dir`. */
export function startAgent(
  root: string | { readonly dir: string },
  options?: StartOptions,
): Promise<AgentProcess>;

/** A running `bin/evh run`, with its console output collected. */
export class AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ExitInfo>;
  readonly exitInfo: ExitInfo | undefined;
  readonly alive: boolean;
  /** Exited without being asked to. */
  readonly crashed: boolean;
  /** Everything printed so far (stdout and stderr; the last 256 KiB). */
  output(): string;
  /** Waits until the console output matches (default 10 s). */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Waits for "agent ready"; throws at once if the agent exits first. */
  ready(timeoutMs?: number): Promise<void>;
  kill9(): Promise<ExitInfo>;
  /** Sends `signal` (SIGTERM), waits for the exit (SIGKILL after `timeoutMs`, 40 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
  signal(name: NodeJS.Signals): void;
  /** VmHWM in KiB, undefined once exited. */
  peakRssKiB(): number | undefined;
  rssKiB(): number | undefined;
}
