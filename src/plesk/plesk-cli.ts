import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { errnoCode, PleskCliError } from "../errors/evh-error.js";

/** How to run Plesk's `event_handler` utility: a program and the words before its options. */
export interface PleskCli {
  readonly program: string;
  readonly prefix: readonly string[];
  /** As messages show it: `plesk bin event_handler`. */
  readonly display: string;
}

/** Plesk before `plesk bin` existed (and still, beside it). */
export const LEGACY_EVENT_HANDLER = "/usr/local/psa/bin/event_handler";

/**
 * `--plesk PATH` (a `plesk` program, or an `event_handler` utility), else
 * `plesk` on PATH, else the legacy utility; throws PleskCliError naming what
 * was looked for.
 */
export function findPleskCli(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PleskCli {
  if (flag !== undefined) return cliAt(path.resolve(flag));
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "plesk");
    if (isExecutable(candidate)) return cliAt(candidate);
  }
  if (isExecutable(LEGACY_EVENT_HANDLER)) return cliAt(LEGACY_EVENT_HANDLER);
  throw new PleskCliError(
    `Plesk's event_handler utility was not found (no plesk on PATH, no ${LEGACY_EVENT_HANDLER}); give it with --plesk PATH`,
  );
}

function cliAt(program: string): PleskCli {
  return path.basename(program) === "event_handler"
    ? { program, prefix: [], display: program }
    : { program, prefix: ["bin", "event_handler"], display: `${program} bin event_handler` };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs the utility with `args` (no shell) and returns its stdout; a failure is a PleskCliError. */
export function runPlesk(cli: PleskCli, args: readonly string[]): Promise<string> {
  const shown = `${cli.display} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile(
      cli.program,
      [...cli.prefix, ...args],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = errnoCode(error);
        const why =
          code === "ENOENT" || code === "EACCES"
            ? `cannot run ${cli.program} (${code})`
            : `exit ${(error as { code?: unknown }).code ?? error.signal}: ${firstLine(stderr || stdout) || "no message"}`;
        reject(new PleskCliError(`${shown} failed (${why})`, { cause: error }));
      },
    );
  });
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim() ?? "";
}
