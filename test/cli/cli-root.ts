import { readdirSync, readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { type EvhResult, runEvh } from "../helpers/evh-process.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

/** A temp root to drive `bin/evh` in; removed after each test. */
export interface CliRoot extends TempRoot {
  /** Runs `bin/evh ARGS` with the root as current directory (paths in messages are then relative). */
  evh(...args: string[]): Promise<EvhResult>;
  /** Names in a directory of the root, sorted; none when it does not exist. */
  names(relative: string): string[];
  read(relative: string): string;
}

/** Registers cleanup and returns a factory of fresh roots. */
export function useCliRoots(): () => CliRoot {
  const made: TempRoot[] = [];
  afterEach(() => {
    for (const root of made.splice(0)) root.cleanup();
  });
  return () => {
    const temp = makeTempRoot("evh-cli-");
    made.push(temp);
    return {
      ...temp,
      evh: (...args) => runEvh(args, { cwd: temp.dir, env: { EVH_ROOT: temp.dir } }),
      names(relative) {
        try {
          return readdirSync(temp.path(relative)).sort();
        } catch {
          return [];
        }
      },
      read: (relative) => readFileSync(temp.path(relative), "utf8"),
    };
  };
}

/** The one line a failing command writes on stderr. */
export function errorLine(result: EvhResult): string {
  return result.stderr.trimEnd();
}
