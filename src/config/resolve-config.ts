import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors/evh-error.js";
import { lookupGroup, type SystemGroup } from "../system/system-groups.js";
import { DEFAULTS, type EvhConfig, LOG_LEVELS, type LogLevel } from "./config.js";
import { parseDuration } from "./duration.js";

/** Where the root and config come from: flags, then the environment. */
export interface ConfigSources {
  /** `--root DIR` */
  root?: string | undefined;
  /** `--config FILE` */
  config?: string | undefined;
  /** Overrides from flags (e.g. `--grace`), applied last. */
  overrides?: Partial<Pick<EvhConfig, "graceMs" | "concurrency" | "logLevel">>;
  /** The environment to read EVH_ROOT / EVH_CONFIG from. */
  env?: NodeJS.ProcessEnv;
  /** Working directory for relative paths. */
  cwd?: string;
}

const KEYS = [
  "handlers_dir",
  "spool_dir",
  "var_dir",
  "concurrency",
  "keep_done",
  "dedupe_window",
  "settle_delay",
  "max_event_size",
  "rescan_interval",
  "grace",
  "redact",
  "log",
  "producer_group",
] as const;
const LOG_KEYS = ["level", "file"] as const;

/**
 * Applies defaults < evh.yaml < environment < flags and freezes the result.
 * Throws ConfigError naming the file, line and key for a bad evh.yaml.
 */
export function resolveConfig(sources: ConfigSources = {}): EvhConfig {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const root = path.resolve(cwd, sources.root ?? env.EVH_ROOT ?? ".");
  const explicit = sources.config ?? env.EVH_CONFIG;
  const configFile = explicit ? path.resolve(cwd, explicit) : path.join(root, "evh.yaml");
  if (explicit && !existsSync(configFile)) {
    throw new ConfigError(`config file ${configFile} does not exist; check --config or EVH_CONFIG`);
  }
  const raw = existsSync(configFile) ? readConfigFile(configFile) : undefined;
  const at = (p: string | undefined, fallback: string) => (p ? path.resolve(root, p) : fallback);
  const varDir = at(raw?.var_dir as string | undefined, path.join(root, "var"));
  const log = (raw?.log ?? {}) as { level?: LogLevel; file?: string };
  const config: EvhConfig = {
    root,
    configFile: raw ? configFile : undefined,
    handlersDir: at(raw?.handlers_dir as string | undefined, path.join(root, "handlers.d")),
    spoolDir: at(raw?.spool_dir as string | undefined, path.join(root, "spool")),
    varDir,
    logFile: log.file ? path.resolve(root, log.file) : path.join(varDir, "log", "evh.log"),
    logLevel: sources.overrides?.logLevel ?? log.level ?? DEFAULTS.logLevel,
    concurrency:
      sources.overrides?.concurrency ??
      (raw?.concurrency as number | undefined) ??
      DEFAULTS.concurrency,
    keepDone: (raw?.keep_done as boolean | undefined) ?? DEFAULTS.keepDone,
    dedupeWindowMs: (raw?.dedupe_window as number | undefined) ?? DEFAULTS.dedupeWindowMs,
    settleDelayMs: (raw?.settle_delay as number | undefined) ?? DEFAULTS.settleDelayMs,
    maxEventBytes: (raw?.max_event_size as number | undefined) ?? DEFAULTS.maxEventBytes,
    rescanIntervalMs: (raw?.rescan_interval as number | undefined) ?? DEFAULTS.rescanIntervalMs,
    graceMs: sources.overrides?.graceMs ?? (raw?.grace as number | undefined) ?? DEFAULTS.graceMs,
    redact: Object.freeze([...((raw?.redact as string[] | undefined) ?? [])]),
    producerGroup: raw?.producer_group as SystemGroup | undefined,
  };
  return Object.freeze(config);
}

type RawConfig = Partial<Record<(typeof KEYS)[number], unknown>>;

/** Reads and validates evh.yaml; values come back already converted (durations in ms). */
function readConfigFile(file: string): RawConfig {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), {
    lineCounter: lines,
    prettyErrors: false,
  });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigError(`${file}:${line}: invalid YAML: ${first.message.split("\n")[0]}`);
  }
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) throw new ConfigError(`${file}:1: evh.yaml must be a map of settings`);
  const lineOf = (key: string) => {
    const pair =
      doc.contents && isMap(doc.contents)
        ? doc.contents.items.find((p) => String((p.key as { value?: unknown })?.value) === key)
        : undefined;
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    return range ? lines.linePos(range[0]).line : 1;
  };
  const input = doc.toJS() as Record<string, unknown>;
  const out: RawConfig = {};
  const fail = (key: string, expected: string, got: unknown): never => {
    throw new ConfigError(
      `${file}:${lineOf(key)}: ${key} must be ${expected}, got ${JSON.stringify(got)}`,
    );
  };
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case "handlers_dir":
      case "spool_dir":
      case "var_dir":
        if (typeof value !== "string" || value === "") fail(key, "a directory path", value);
        out[key] = value;
        break;
      case "concurrency":
        if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 256)
          fail(key, "a whole number from 1 to 256", value);
        out[key] = value;
        break;
      case "keep_done":
        if (typeof value !== "boolean") fail(key, "true or false", value);
        out[key] = value;
        break;
      case "dedupe_window":
      case "settle_delay":
      case "rescan_interval":
      case "grace": {
        const ms = parseDuration(value);
        if (ms === undefined) fail(key, "a duration such as 500ms, 30s, 5m or 24h", value);
        if (key === "rescan_interval" && (ms as number) < 100) fail(key, "at least 100ms", value);
        out[key] = ms;
        break;
      }
      case "max_event_size":
        if (!Number.isInteger(value) || (value as number) < 64)
          fail(key, "a number of bytes (at least 64)", value);
        out[key] = value;
        break;
      case "redact":
        if (
          !Array.isArray(value) ||
          !value.every((v) => typeof v === "string" && /^[A-Z0-9_]+$/.test(v))
        ) {
          fail(key, "a list of upper-case name fragments such as [API_KEY]", value);
        }
        out[key] = value;
        break;
      case "producer_group": {
        if (typeof value !== "string" || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(value))
          fail(key, "the name of a group, such as evh-producers", value);
        const group = lookupGroup(value as string);
        if (group === undefined) {
          throw new ConfigError(
            `${file}:${lineOf(key)}: producer_group: there is no group "${value}" on this system; ` +
              `create it (groupadd ${value}) or fix the name`,
          );
        }
        out[key] = group;
        break;
      }
      case "log": {
        if (value === null || typeof value !== "object" || Array.isArray(value))
          fail(key, "a map with level and file", value);
        const log = value as Record<string, unknown>;
        for (const k of Object.keys(log)) {
          if (!(LOG_KEYS as readonly string[]).includes(k))
            fail(`log.${k}`, `one of ${LOG_KEYS.join(", ")}`, k);
        }
        if (log.level !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(log.level)) {
          fail("log", `a level among ${LOG_LEVELS.join("|")}`, log.level);
        }
        if (log.file !== undefined && (typeof log.file !== "string" || log.file === ""))
          fail("log", "a file path", log.file);
        out.log = log;
        break;
      }
      default:
        throw new ConfigError(
          `${file}:${lineOf(key)}: unknown setting "${key}"; allowed: ${KEYS.join(", ")}`,
        );
    }
  }
  return out;
}
