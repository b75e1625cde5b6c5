import { readFileSync } from "node:fs";

/** Splits a NUL-separated file (dump-env.sh, dump-argv.sh) into its items. */
export function readNulList(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return text === "" ? [] : text.replace(/\0$/, "").split("\0");
}

/** Reads dump-env.sh output as a map. */
export function readEnvDump(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readNulList(file)) {
    const eq = entry.indexOf("=");
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
