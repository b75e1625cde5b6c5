import { existsSync } from "node:fs";
import path from "node:path";
import { assertTrustedConfigFile } from "../system/trusted-path.js";
import { DEFAULTS, type EvhConfig } from "./config.js";
import { checkIsRoot, findRoot } from "./find-root.js";
import { type ConfigInput, type ConfigKey, readConfigFile } from "./read-config-file.js";

/** Where the root and config come from: flags, then the environment. */
export interface ConfigSources {
  /** `--root DIR` */
  root?: string | undefined;
  /** `--config FILE` */
  config?: string | undefined;
  /** Overrides from flags (e.g. `--grace`), applied last. */
  overrides?: Partial<Pick<EvhConfig, "graceMs" | "concurrency" | "logLevel">>;
  /** The environment to read EVH_ROOT / EVH_CONFIG / EVH_SYSTEM_ROOT from. */
  env?: NodeJS.ProcessEnv;
  /** Working directory for relative paths. */
  cwd?: string;
}

/**
 * Applies defaults < evh.yaml < flags and freezes the result. Throws
 * ConfigError for a root that is not an evh root, naming it and why it was
 * chosen, and for a bad evh.yaml, listing every problem with file and line.
 */
export function resolveConfig(sources: ConfigSources = {}): EvhConfig {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const found = findRoot({ root: sources.root, config: sources.config, env, cwd });
  checkIsRoot(found);
  const root = found.dir;
  const configFile = found.configFile ?? path.join(root, "evh.yaml");
  // Before it is read: a config someone else can change would decide what a root agent runs and writes.
  assertTrustedConfigFile(configFile);
  const read =
    found.configFile !== undefined || existsSync(configFile)
      ? readConfigFile(configFile)
      : undefined;
  const raw: ConfigInput = read?.input ?? {};
  const origins: Partial<Record<ConfigKey, string>> = {};
  for (const [key, line] of Object.entries(read?.lines ?? {})) {
    origins[key as ConfigKey] = `${configFile}:${line}`;
  }
  const flag = <T>(key: ConfigKey, value: T | undefined, name: string): T | undefined => {
    if (value !== undefined) origins[key] = name;
    return value;
  };
  const at = (p: string | undefined, fallback: string) => (p ? path.resolve(root, p) : fallback);
  const varDir = at(raw.var_dir, path.join(root, "var"));
  const overrides = sources.overrides ?? {};
  const config: EvhConfig = {
    root,
    rootWhy: found.why,
    configFile: read ? configFile : undefined,
    handlersDir: at(raw.handlers_dir, path.join(root, "handlers.d")),
    spoolDir: at(raw.spool_dir, path.join(root, "spool")),
    varDir,
    logFile: raw["log.file"]
      ? path.resolve(root, raw["log.file"])
      : path.join(varDir, "log", "evh.log"),
    logLevel:
      flag("log.level", overrides.logLevel, "--log-level") ?? raw["log.level"] ?? DEFAULTS.logLevel,
    concurrency:
      flag("concurrency", overrides.concurrency, "flag") ?? raw.concurrency ?? DEFAULTS.concurrency,
    keepDone: raw.keep_done ?? DEFAULTS.keepDone,
    dedupeWindowMs: raw.dedupe_window ?? DEFAULTS.dedupeWindowMs,
    settleDelayMs: raw.settle_delay ?? DEFAULTS.settleDelayMs,
    maxEventBytes: raw.max_event_size ?? DEFAULTS.maxEventBytes,
    rescanIntervalMs: raw.rescan_interval ?? DEFAULTS.rescanIntervalMs,
    graceMs: flag("grace", overrides.graceMs, "--grace") ?? raw.grace ?? DEFAULTS.graceMs,
    redact: Object.freeze([...(raw.redact ?? [])]),
    producerGroup: raw.producer_group,
    origins: Object.freeze(origins),
  };
  return Object.freeze(config);
}
