import type { SystemGroup } from "../system/system-groups.js";

/**
 * The resolved configuration: every field present, durations in ms, paths
 * absolute. Built once by `resolveConfig` and frozen.
 */
export interface EvhConfig {
  /** The root directory (SPEC §1: `--root`, `$EVH_ROOT`, /etc/evh, else the installation). */
  readonly root: string;
  /** How the root was chosen, for `evh status` and error messages. */
  readonly rootWhy: string;
  /** The config file that was read, if any. */
  readonly configFile: string | undefined;
  /** Handler definitions. @defaultValue `<root>/handlers.d` */
  readonly handlersDir: string;
  /** The spool with tmp/ new/ cur/ done/ failed/. @defaultValue `<root>/spool` */
  readonly spoolDir: string;
  /** Agent state: journal, instance lock, root lock. @defaultValue `<root>/var` */
  readonly varDir: string;
  /** JSON-lines log. @defaultValue `<varDir>/log/evh.log` */
  readonly logFile: string;
  /** winston level for the log file and the console. @defaultValue `info` */
  readonly logLevel: LogLevel;
  /** Events processed at once. @defaultValue 1 */
  readonly concurrency: number;
  /** Move completed events to spool/done/ instead of deleting them. @defaultValue false */
  readonly keepDone: boolean;
  /** How long a completed event `id` suppresses repeats. @defaultValue 24h */
  readonly dedupeWindowMs: number;
  /** Wait before parsing a bad file a second time. @defaultValue 1s */
  readonly settleDelayMs: number;
  /** Largest event file accepted. @defaultValue 1 MiB */
  readonly maxEventBytes: number;
  /** Periodic rescan of spool/new/, the source of truth behind the watcher. @defaultValue 2s */
  readonly rescanIntervalMs: number;
  /** How long running handlers may finish after SIGTERM. @defaultValue 30s */
  readonly graceMs: number;
  /**
   * The group of non-root producers (`producer_group: NAME`): `tmp/` and `new/`
   * are then 1730, owned by the agent's user and this group, the Postfix
   * maildrop model (SPEC §2). Without it they are 0700: producers run as the
   * agent's user. @defaultValue undefined
   */
  readonly producerGroup: SystemGroup | undefined;
  /** Extra param-name fragments whose values are shown as `***`. @defaultValue [] */
  readonly redact: readonly string[];
  /**
   * Where each setting that is not a default came from (`evh config`):
   * `<file>:<line>` for evh.yaml, the flag's name for a flag. Keyed by the
   * evh.yaml name (`grace`, `log.level`).
   */
  readonly origins: Readonly<Partial<Record<string, string>>>;
}

export const LOG_LEVELS = ["error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Defaults that do not depend on the root. */
export const DEFAULTS = {
  logLevel: "info" as LogLevel,
  concurrency: 1,
  keepDone: false,
  dedupeWindowMs: 24 * 3_600_000,
  settleDelayMs: 1000,
  maxEventBytes: 1024 * 1024,
  rescanIntervalMs: 2000,
  graceMs: 30_000,
} as const;

/** Param names containing one of these (case-insensitive) are secrets (SPEC §8). */
export const BUILTIN_SECRET_FRAGMENTS = ["PASSWORD", "PASSWD", "SECRET", "TOKEN"] as const;
