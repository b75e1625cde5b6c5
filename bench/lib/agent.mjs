import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup } from "./cleanup.mjs";
import { nowMs } from "./clock.mjs";
import { runtimeDirectory } from "./runtime-dir.mjs";

/** The only way in to the product: the same entry point an administrator runs. */
let evhBin = fileURLToPath(new URL("../../bin/evh", import.meta.url));

/**
 * The node flags bin/evh gives `evh run`: on its `run) exec node FLAGS "$0"`
 * line (bin/evh starts as a shell script that picks the agent's flags), or
 * on a `#!` line of another checkout's bin/evh. The agent as shipped runs
 * with them.
 */
function shebangFlags(bin) {
  const lines = readFileSync(bin, "utf8").split("\n", 3);
  const run = lines.find((line) => /run\) exec node /.test(line));
  const words = (run ? run.slice(run.indexOf("run) exec node ")).split('"$0"')[0] : lines[0]) ?? "";
  return words.split(/\s+/).filter((word) => word.startsWith("--"));
}

/** node flags for every agent: the shebang's, then --evh-node's (V8 heap settings to try). */
let baseNodeArgs = shebangFlags(evhBin);

/** Points the benchmark at another checkout's bin/evh (--evh), to compare two builds. */
export function useEvh(bin = evhBin, nodeArgs = []) {
  evhBin = path.resolve(bin);
  baseNodeArgs = [...shebangFlags(evhBin), ...nodeArgs];
  const main = path.join(path.dirname(evhBin), "..", "dist", "cli", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return evhBin;
}

/**
 * Starts `evh run --root <root>` as node directly (not via the shebang) so
 * the child's pid is the agent's pid, and node flags (--cpu-prof) apply.
 * Resolves once the agent prints "agent ready", with the times of spawn and
 * readiness. The console output is drained (a full pipe would stall the
 * agent) and its tail kept for error messages.
 */
export function startAgent(root, { nodeArgs = [], readyTimeoutMs = 300_000 } = {}) {
  const spawnedAtMs = nowMs();
  const child = spawn(
    process.execPath,
    [...baseNodeArgs, ...nodeArgs, evhBin, "run", "--root", root],
    {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, RUNTIME_DIRECTORY: runtimeDirectory() },
    },
  );
  const release = onCleanup(() => child.kill("SIGKILL"));
  let tail = "";
  /** Everything printed, up to 64 KiB: what `when` looks for. */
  let seen = "";
  const keepTail = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
    if (seen.length < 65536) seen += chunk.toString();
  };
  child.stderr.on("data", keepTail);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const agent = {
    /** Resolves (with the time) once the agent's console output has contained `text`. */
    when: (text) =>
      new Promise((resolve) => {
        const check = () => {
          if (!seen.includes(text)) return;
          child.stdout.off("data", check);
          resolve(nowMs());
        };
        child.stdout.on("data", check);
        check();
      }),
    pid: child.pid,
    spawnedAtMs,
    readyAtMs: Number.NaN,
    output: () => tail,
    /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`): the agent's own clean shutdown. */
    async stop(graceMs = 60_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      release();
      return result;
    },
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => fail(new Error("agent not ready in time")), readyTimeoutMs);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      release();
      reject(new Error(`${error.message}; last output:\n${tail}`));
    };
    child.stdout.on("data", (chunk) => {
      keepTail(chunk);
      if (!ready && tail.includes("agent ready")) {
        ready = true;
        agent.readyAtMs = nowMs();
        clearTimeout(timer);
        resolve(agent);
      }
    });
    exited.then(({ code, signal }) => {
      if (!ready) fail(new Error(`agent exited before ready (code ${code}, signal ${signal})`));
    });
  });
}
