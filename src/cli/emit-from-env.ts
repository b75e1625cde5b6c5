import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { type FoundRoot, findRoot } from "../config/find-root.js";
import { EvhError, errnoCode, SpoolWriteError, toError, UsageError } from "../errors/evh-error.js";
import { paramsFromEnv } from "../events/params-from-env.js";
import { spoolBytesSync } from "../spool/spool-bytes-sync.js";
import { assertTrustedConfigFile } from "../system/trusted-path.js";

/**
 * `evh emit --from-env EVENT`: the producer a panel runs for every event (the
 * Plesk bridge, docs/plesk.md). bin/evh calls it before loading anything
 * else, in its CommonJS form (dist/cjs/, rolldown.config.ts: no ES module
 * loader), so it imports only Node's built-ins and the few small modules
 * below: no commander, catalogue, winston or YAML reader (except, lazily,
 * for an evh.yaml that moves the spool). The panel's operation waits for
 * this process, so it must be quick; it never talks to the agent.
 */

const EVENT_ID = /^[a-z][a-z0-9_]{0,63}$/;
const USAGE = "usage: evh emit --from-env EVENT [--root DIR] [--config FILE]";

interface Parsed {
  event: string;
  root?: string;
  config?: string;
}

/** Runs the command; returns the exit status (0 queued, 1 not queued, 2 bad usage). */
export async function emitFromEnvMain(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(
      `${USAGE}\nSpools EVENT with the OLD_*/NEW_* variables of the environment as its params (docs/plesk.md).\n`,
    );
    return 0;
  }
  try {
    const parsed = parseArgs(args);
    const file = await emitFromEnv(parsed.event, parsed, env);
    process.stdout.write(`${file}\n`);
    return 0;
  } catch (thrown) {
    const error = toError(thrown);
    process.stderr.write(`evh: ${error.message}\n`);
    if (error instanceof UsageError) return 2;
    if (!(error instanceof EvhError) && env.EVH_DEBUG) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/**
 * Spools EVENT with every `OLD_*`/`NEW_*` variable of `env` as its params;
 * returns the path in new/. Throws SpoolWriteError when the spool cannot take it.
 */
export async function emitFromEnv(
  event: string,
  options: { root?: string; config?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (!EVENT_ID.test(event)) {
    throw new UsageError(
      `event must match ^[a-z][a-z0-9_]{0,63}$ (e.g. domain_create), got ${JSON.stringify(event)}`,
    );
  }
  const found = findRoot({ root: options.root, config: options.config, env, cwd: process.cwd() });
  const spoolDir = await spoolDirOf(found);
  const body = {
    event,
    occurred_at: new Date().toISOString(),
    params: paramsFromEnv(env),
  };
  return spoolBytesSync(spoolDir, event, Buffer.from(`${JSON.stringify(body)}\n`));
}

/** `spool_dir: /plain/absolute/path` alone on its line: what `evh init --system` writes. */
const PLAIN_SPOOL_DIR = /^spool_dir:[ \t]+(\/[^\s#'"&*!|>{}[\],%@`\\]*)[ \t]*(?:#.*)?$/m;

/**
 * The spool of the root. evh.yaml moves it only with `spool_dir`, so a file
 * that does not mention that key needs no YAML reader, and neither does one
 * whose only mention is a plain absolute path on a line of its own (the
 * system layout's); anything else (quotes, escapes, flow maps) goes through
 * the full config resolution, which also reports a broken evh.yaml properly.
 */
async function spoolDirOf(found: FoundRoot): Promise<string> {
  const { dir: root, why: how } = found;
  const explicitConfig = found.configFile;
  const configFile = explicitConfig ?? path.join(root, "evh.yaml");
  // A root process must not let someone else's evh.yaml decide where a password is written.
  assertTrustedConfigFile(configFile);
  let text: string | undefined;
  try {
    text = readFileSync(configFile, "utf8");
  } catch (error) {
    // No evh.yaml: the defaults (or resolveConfig's error for a missing --config below).
    // One we may not read is no reason to guess: say so.
    if (errnoCode(error) === "EACCES") {
      throw new SpoolWriteError(
        `cannot read ${configFile} (EACCES: permission denied); the event was NOT queued: run as the agent's user (root) or a member of its producer_group`,
      );
    }
  }
  const plain = text === undefined ? null : PLAIN_SPOOL_DIR.exec(text);
  const mentions = text === undefined ? 0 : (text.match(/spool_dir/g) ?? []).length;
  if (plain !== null && mentions === 1 && !text?.includes("\\")) return plain[1] as string;
  if (explicitConfig !== undefined || mentions > 0 || text?.includes("\\")) {
    const { resolveConfig } = await import("../config/resolve-config.js");
    return resolveConfig({ root, config: explicitConfig }).spoolDir;
  }
  if (text === undefined && !isDir(path.join(root, "handlers.d"))) {
    throw new SpoolWriteError(
      `${root} (chosen by ${how}) is not an evh root: it has no evh.yaml and no handlers.d/; the event was NOT queued: give the root with --root DIR, or create one with evh init`,
    );
  }
  return path.join(root, "spool");
}

function parseArgs(args: readonly string[]): Parsed {
  let event: string | undefined;
  let root: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.startsWith("--") ? splitInline(arg) : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value; ${USAGE}`);
      return v;
    };
    if (flag === "--from-env") continue;
    if (flag === "--root") root = value();
    else if (flag === "--config") config = value();
    else if (!arg.startsWith("-") && event === undefined) event = arg;
    else {
      throw new UsageError(
        `--from-env takes the params from the environment only; unexpected ${JSON.stringify(arg)}; ${USAGE}`,
      );
    }
  }
  if (event === undefined) throw new UsageError(`missing EVENT; ${USAGE}`);
  return { event, root, config };
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** Whether `dir` is a directory; a permission error is reported rather than read as "no". */
function isDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch (error) {
    if (errnoCode(error) !== "EACCES") return false;
    throw new SpoolWriteError(
      `cannot look into ${path.dirname(dir)} (EACCES: permission denied); the event was NOT queued: run as the agent's user (root) or a member of its producer_group`,
    );
  }
}
