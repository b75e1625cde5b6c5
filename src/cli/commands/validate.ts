import type { Command } from "commander";
import { count } from "../../record/count-text.js";
import { loadHandlers } from "../loaded-handlers.js";
import { displayPath, note, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface ValidateOptions extends CommonOptions {
  json?: boolean;
}

/** `evh validate`: the agent's loader, run once, every diagnostic reported. */
export function registerValidate(program: Command, done: Done): void {
  withCommon(program.command("validate"))
    .description("load handlers.d/ and report every error and warning; exit 1 on any error")
    .option("--json", "machine-readable output")
    .action((options: ValidateOptions) => done(validate(options)));
}

async function validate(options: ValidateOptions): Promise<number> {
  const config = configFor(options);
  const loaded = loadHandlers(config);
  const { diagnostics } = loaded.report;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  if (options.json) {
    sayJson(
      diagnostics.map((d) => ({
        file: d.file,
        line: d.line,
        severity: d.severity,
        message: d.message,
      })),
    );
  } else {
    for (const d of diagnostics)
      say(`${displayPath(d.file)}:${d.line}: ${d.severity}: ${d.message}`);
    const warnings = diagnostics.length - errors;
    const handlers = loaded.registry.all().length;
    note(
      `${displayPath(config.handlersDir)}: ${count(handlers, "handler")} in ${count(loaded.files.size, "file")}, ${count(errors, "error")}, ${count(warnings, "warning")}`,
    );
  }
  return errors > 0 ? 1 : 0;
}
