import type { Command } from "commander";
import type { EvhConfig } from "../../config/config.js";
import { formatDuration } from "../../config/duration.js";
import { formatTable, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface ConfigOptions extends CommonOptions {
  json?: boolean;
}

/** `evh config`: the effective configuration and where each value came from (`postconf -n`). */
export function registerConfig(program: Command, done: Done): void {
  withCommon(program.command("config"))
    .description("the effective configuration, and where each value came from")
    .option("--json", "machine-readable output")
    .action((options: ConfigOptions) => done(showConfig(options)));
}

/** Each setting by its evh.yaml name, as written there, and the config field it becomes. */
const SETTINGS: readonly [string, (c: EvhConfig) => unknown, "path" | "duration" | "plain"][] = [
  ["handlers_dir", (c) => c.handlersDir, "path"],
  ["spool_dir", (c) => c.spoolDir, "path"],
  ["var_dir", (c) => c.varDir, "path"],
  ["log.file", (c) => c.logFile, "path"],
  ["log.level", (c) => c.logLevel, "plain"],
  ["concurrency", (c) => c.concurrency, "plain"],
  ["keep_done", (c) => c.keepDone, "plain"],
  ["dedupe_window", (c) => c.dedupeWindowMs, "duration"],
  ["settle_delay", (c) => c.settleDelayMs, "duration"],
  ["rescan_interval", (c) => c.rescanIntervalMs, "duration"],
  ["max_event_size", (c) => c.maxEventBytes, "plain"],
  ["grace", (c) => c.graceMs, "duration"],
  ["redact", (c) => c.redact, "plain"],
];

async function showConfig(options: ConfigOptions): Promise<number> {
  const config = configFor(options);
  const rows = SETTINGS.map(([key, get, kind]) => {
    const value = get(config);
    return {
      key,
      value,
      text:
        kind === "duration"
          ? formatDuration(value as number)
          : Array.isArray(value)
            ? `[${value.join(", ")}]`
            : String(value),
      from: config.origins[key] ?? "default",
    };
  });
  if (options.json) {
    sayJson({
      root: { dir: config.root, why: config.rootWhy },
      config_file: config.configFile ?? null,
      settings: Object.fromEntries(rows.map((r) => [r.key, { value: r.value, from: r.from }])),
    });
    return 0;
  }
  say(`# root ${config.root} (chosen by: ${config.rootWhy})`);
  say(`# config file ${config.configFile ?? "none (every setting is a default)"}`);
  say(
    formatTable(
      ["SETTING", "VALUE", "FROM"],
      rows.map((r) => [r.key, r.text, r.from]),
    ),
  );
  return 0;
}
