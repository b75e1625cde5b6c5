// Types of torture/lib/index.mjs, for the vitest tests in test/torture/.

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** The KNOWN_DEFECTS id this failed check reproduces, if any. */
  readonly known: string | undefined;
}

export interface TortureReport {
  readonly name: string;
  readonly checks: readonly Check[];
  readonly figures: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
  /** Every failed check: a violated guarantee. */
  readonly violations: readonly Check[];
  /** Failed checks that are not a known, reported defect. */
  readonly unexpected: readonly Check[];
  /** The summary the npm scripts print. */
  format(): string;
}

export interface CommonOptions {
  /** Keep the temp root for inspection. */
  readonly keep?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface CrashOptions extends CommonOptions {
  readonly events?: number;
  readonly kills?: number;
  readonly concurrency?: number;
  readonly failEvery?: number;
  readonly maxKillDelayMs?: number;
  readonly seed?: number;
  readonly drainTimeoutMs?: number;
}
export const CRASH_DEFAULTS: Required<Omit<CrashOptions, "seed">>;
export function runCrash(options?: CrashOptions): Promise<TortureReport>;

export interface BadEventsOptions extends CommonOptions {
  /** Run every n-th case of the corpus only. */
  readonly every?: number;
  readonly settleDelayMs?: number;
}
export const BAD_EVENTS_DEFAULTS: Required<BadEventsOptions>;
export function runBadEvents(options?: BadEventsOptions): Promise<TortureReport>;

export const KNOWN_DEFECTS: Readonly<Record<string, string>>;

export interface BadHandlersOptions extends CommonOptions {
  /** Overwrite the live file with every n-th case only in the reload phase. */
  readonly every?: number;
  readonly discover?: boolean;
}
export const BAD_HANDLERS_DEFAULTS: Required<BadHandlersOptions>;
export function runBadHandlers(options?: BadHandlersOptions): Promise<TortureReport>;

export interface MisbehaveOptions extends CommonOptions {
  /** Bytes the flood handler writes to each of stdout and stderr. */
  readonly floodBytes?: number;
}
export const MISBEHAVE_DEFAULTS: Required<MisbehaveOptions>;
export function runMisbehave(options?: MisbehaveOptions): Promise<TortureReport>;

export const INJECTION_DEFAULTS: Required<CommonOptions>;
export function runInjection(options?: CommonOptions): Promise<TortureReport>;

export interface ResourcesOptions extends CommonOptions {
  /** Events dropped while the disk is full, per phase (twice as many under the descriptor limit). */
  readonly events?: number;
  /** How long the disk stays full. */
  readonly fullMs?: number;
}
export const RESOURCES_DEFAULTS: Required<ResourcesOptions>;
export function runResources(options?: ResourcesOptions): Promise<TortureReport>;

/** A throwaway evh root (torture/lib/harness.mjs). */
export interface Root {
  readonly dir: string;
  readonly logFile: string;
  path(...parts: string[]): string;
  spool(state: string, name?: string): string;
  writeHandler(name: string, text: string, mode?: number): string;
  /** A copy of torture/fixtures/NAME inside the root, reachable by other users. */
  fixture(name: string): string;
  emit(content: object | string | Uint8Array, name?: string): string;
  list(state: string): string[];
  events(state: string): string[];
  sidecar(name: string): { reason: string; detail: string; at: string } | undefined;
  cleanup(): void;
}
export const isRoot: boolean;
export function makeRoot(options?: {
  dir?: string;
  config?: Record<string, unknown>;
  handlers?: Record<string, string>;
}): Root;
export { AgentProcess, startAgent, until } from "./evh.mjs";
export function readRuns(file: string): { counts: Map<string, number>; lines: number };
export function handlerYaml(doc: Record<string, unknown>): string;
