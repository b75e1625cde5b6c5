import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors/evh-error.js";

/** Where the system installation keeps its configuration (SPEC §1). */
export const SYSTEM_ROOT = "/etc/evh";

/** The root a command works on, and why that one (`evh status` says it). */
export interface FoundRoot {
  readonly dir: string;
  /** The config file named by --config or $EVH_CONFIG, if any. */
  readonly configFile: string | undefined;
  /** How it was chosen, for messages: `--root`, `$EVH_ROOT`, `/etc/evh/evh.yaml exists`, ... */
  readonly why: string;
}

export interface RootSources {
  /** `--root DIR` */
  readonly root?: string | undefined;
  /** `--config FILE` */
  readonly config?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /**
   * Where the system installation is looked for: `$EVH_SYSTEM_ROOT`, else
   * /etc/evh. Tests and staged installs point it elsewhere, so that no test
   * depends on whether the machine has an /etc/evh.
   */
  readonly systemRoot?: string | undefined;
}

/** The checkout or package this code belongs to (dist/config/ or src/config/ → ../..). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/**
 * Which root (SPEC §1): `--root` (or the folder of `--config`), else
 * `$EVH_ROOT` (or the folder of `$EVH_CONFIG`), else the system installation
 * when its evh.yaml exists, else the checkout or package evh runs from.
 * Never the current directory by accident: it counts only when named.
 */
export function findRoot(sources: RootSources): FoundRoot {
  const { env, cwd } = sources;
  const named = (dir: string | undefined, config: string | undefined, flag: string) => {
    const configFile = config ? path.resolve(cwd, config) : undefined;
    if (configFile && !existsSync(configFile)) {
      throw new ConfigError(
        `config file ${configFile} does not exist; check ${flag === "--root" ? "--config" : "EVH_CONFIG"}`,
      );
    }
    const root = dir ? path.resolve(cwd, dir) : path.dirname(configFile as string);
    return {
      dir: root,
      configFile,
      why: dir ? flag : `${flag === "--root" ? "--config" : "$EVH_CONFIG"} ${configFile}`,
    };
  };
  if (sources.root || sources.config) return named(sources.root, sources.config, "--root");
  if (env.EVH_ROOT || env.EVH_CONFIG) return named(env.EVH_ROOT, env.EVH_CONFIG, "$EVH_ROOT");
  const system = sources.systemRoot ?? env.EVH_SYSTEM_ROOT ?? SYSTEM_ROOT;
  if (existsSync(path.join(system, "evh.yaml"))) {
    return { dir: system, configFile: undefined, why: `${path.join(system, "evh.yaml")} exists` };
  }
  return {
    dir: PACKAGE_ROOT,
    configFile: undefined,
    why: "the evh installation itself (no --root, $EVH_ROOT or /etc/evh/evh.yaml)",
  };
}

/**
 * Refuses a root that is not an evh root (no evh.yaml and no handlers.d/),
 * naming the path and how it was chosen: a typo in --root must not make
 * commands work on an empty directory, or create one.
 */
export function checkIsRoot(found: FoundRoot): void {
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  if (found.configFile !== undefined) return;
  if (existsSync(path.join(found.dir, "evh.yaml")) || isDir(path.join(found.dir, "handlers.d")))
    return;
  throw new ConfigError(
    `${found.dir} is not an evh root (no evh.yaml, no handlers.d/; chosen by ${found.why}); ` +
      "create one with `evh init DIR` or name another with --root",
  );
}

/**
 * The options that make a command run by someone else (a panel, cron),
 * whatever its environment and current directory, reach `root`: none when
 * it is the root found without any (the system installation).
 */
export function rootArgs(root: string): string[] {
  const implicit = findRoot({ env: {}, cwd: "/" }).dir;
  return implicit === path.resolve(root) ? [] : ["--root", root];
}
