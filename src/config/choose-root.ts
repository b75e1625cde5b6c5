import path from "node:path";

/** The root a command works on, and how it was chosen (messages name both). */
export interface RootChoice {
  readonly root: string;
  /** `--root`, `$EVH_ROOT` or `the current directory`. */
  readonly how: string;
}

/**
 * The root by the rule `resolveConfig` applies (`--root`, else `$EVH_ROOT`,
 * else the current directory), kept dependency-free so that `evh emit
 * --from-env` can use it without loading the config reader. The one place
 * the fast path and the Plesk bridge decide roots: the `/etc/evh` discovery
 * of SPEC §1 replaces this function and `implicitRoot` together.
 */
export function chooseRoot(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): RootChoice {
  if (flag !== undefined) return { root: path.resolve(cwd, flag), how: "--root" };
  if (env.EVH_ROOT) return { root: path.resolve(cwd, env.EVH_ROOT), how: "$EVH_ROOT" };
  return { root: path.resolve(cwd), how: "the current directory" };
}

/**
 * The root that a command run by someone else (a panel, cron) finds without
 * `--root` or `$EVH_ROOT`, whatever its current directory. None today: the
 * fallback is the current directory, which a panel does not choose for us.
 */
export function implicitRoot(): string | undefined {
  return undefined;
}

/** The options that make a command run elsewhere reach `root`: none when it is found anyway. */
export function rootArgs(root: string): string[] {
  return implicitRoot() === root ? [] : ["--root", root];
}
