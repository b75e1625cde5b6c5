import { BUILTIN_SECRET_FRAGMENTS } from "../config/config.js";
import { findPlaceholders } from "./placeholders.js";
import type { DocumentReport } from "./yaml-nodes.js";

/** `$NAME` or `${NAME}`: what a shell would expand, and a command without one passes as is. */
const SHELL_VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Warnings about a command that runs without a shell (SPEC §3); the handler
 * still loads:
 *
 * - a placeholder of a secret param (§8: a name holding PASSWORD, PASSWD,
 *   SECRET, TOKEN or a `redact:` fragment) puts the value in argv, which
 *   every local user can read (`ps`, /proc/<pid>/cmdline), while the
 *   environment and the params file are private to the handler's user;
 * - `$NAME` or `${NAME}` in a word reaches the program as those characters:
 *   nothing expands it, which is rarely what its author meant.
 *
 * Each is said once per name, on the command's line.
 */
export function warnAboutArgv(
  argv: readonly string[],
  line: number,
  report: DocumentReport,
  redactFragments: readonly string[] = [],
): void {
  const fragments = [...BUILTIN_SECRET_FRAGMENTS, ...redactFragments.map((f) => f.toUpperCase())];
  const isSecret = (name: string) => fragments.some((fragment) => name.includes(fragment));
  const seen = new Set<string>();
  for (const item of argv.slice(1)) {
    for (const name of findPlaceholders(item)) {
      if (!isSecret(name) || seen.has(`<${name}>`)) continue;
      seen.add(`<${name}>`);
      report.warning(line, secretInArgv(name));
    }
  }
  for (const item of argv) {
    if (!item.includes("$")) continue;
    for (const match of item.matchAll(SHELL_VARIABLE)) {
      const written = match[0];
      const name = (match[1] ?? match[2]) as string;
      if (seen.has(written)) continue;
      seen.add(written);
      report.warning(
        line,
        `command: ${written} is passed literally, since the command runs without a shell; use <${name.toLowerCase()}> to put the param's value there, or shell: true`,
      );
    }
  }
}

function secretInArgv(name: string): string {
  const placeholder = `<${name.toLowerCase()}>`;
  // Only OLD_*/NEW_* params are environment variables (SPEC §4).
  const env = /^(?:OLD|NEW)_/.test(name) ? `$${name} (with shell: true), ` : "";
  return `command: ${placeholder} puts the secret param ${name} on the command line, which every local user can read (ps); take it from ${env}EVH_PARAMS_FILE or stdin: json instead`;
}
