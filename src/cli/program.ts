import { readFileSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError, Option } from "commander";
import type { EvhConfig } from "../config/config.js";
import { type ConfigSources, resolveConfig } from "../config/resolve-config.js";
import { assertTrustedStateDir } from "../system/trusted-path.js";

/** Options every command takes (SPEC §6). */
export interface CommonOptions {
  root?: string;
  config?: string;
}

/** A command's action: returns the exit status (0 ok, 1 failure; bad usage throws UsageError → 2). */
export type Action<O> = (options: O & CommonOptions, args: string[]) => Promise<number> | number;

/** How a command hands its exit status to `main`. */
export type Done = (status: Promise<number>) => void;

/** Adds `--root` and `--config` to a command. */
export function withCommon(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--root <dir>",
        "the evh root (default: $EVH_ROOT, else /etc/evh when it has evh.yaml, else the evh installation itself)",
      ),
    )
    .addOption(
      new Option(
        "--config <file>",
        "config file; its folder is the root (default: <root>/evh.yaml)",
      ),
    );
}

/** The resolved config for a command's common options. */
export function configFor(
  options: CommonOptions,
  overrides?: ConfigSources["overrides"],
): EvhConfig {
  const config = resolveConfig({ root: options.root, config: options.config, overrides });
  // Every command, not only the agent: state folders someone else controls are refused (SPEC §1).
  assertTrustedStateDir(config.varDir);
  assertTrustedStateDir(path.dirname(config.logFile));
  return config;
}

/** Builds the root `evh` program; commands report their status through a `Done`. */
export function makeProgram(): Command {
  const program = new Command("evh")
    .description("Run scripts when control-panel events happen (a crash-safe Plesk Event Manager)")
    .version(packageVersion(), "-V, --version", "print the evh version")
    .addHelpText("after", HELP_FOOTER)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      // One line (SPEC §6): commander's message, then where to look.
      outputError: (text, write) =>
        write(
          text.startsWith("error:")
            ? `evh: ${oneLine(text.slice(7))} (--help shows the usage)\n`
            : text,
        ),
    });
  return program;
}

/** What every administrator asks next: which root, what the exit status means, where the docs are. */
const HELP_FOOTER = `
Which root: --root DIR (or --config FILE), else $EVH_ROOT, else /etc/evh when
/etc/evh/evh.yaml exists, else the evh installation itself; never the current
directory. \`evh status\` says which root and why; \`evh init\` creates one.

Exit status: 0 success, 1 failure (one line on stderr: what, where, what to do),
2 bad usage.

Documentation: man evh, or docs/ in the evh package (docs/cli.md, docs/operations.md).
`;

/** The version in evh's package.json (dist/cli/ → ../../package.json). */
function packageVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

/** Commander's "unknown command 'lst'\n(Did you mean list?)" as one line. */
function oneLine(message: string): string {
  return message
    .trim()
    .replace(/\s*\n\(Did you mean/g, " (did you mean")
    .replace(/\s*\n\s*/g, " ");
}

export { CommanderError };
