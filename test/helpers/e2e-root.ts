import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { afterEach } from "vitest";
import { stringify } from "yaml";
import type { SpoolState } from "../../src/spool/spool-states.js";
import { dropEvent, type EventBody } from "./drop-event.js";
import { type AgentProcess, type StartOptions, startAgent } from "./evh-process.js";
import { commandLineOf, processesMentioning } from "./processes.js";
import { makeTempRoot, type TempRoot } from "./temp-root.js";
import { waitFor } from "./wait-for.js";

/** evh.yaml settings, as written in the file. */
export type Settings = Readonly<Record<string, unknown>>;

/** Quick enough for tests, slow enough to mean the same as the defaults. */
export const FAST_SETTINGS: Settings = {
  settle_delay: "200ms",
  rescan_interval: "200ms",
  grace: "2s",
};

/** A temp root with evh.yaml, ready for `bin/evh run`; every agent it started is stopped by `dispose()`. */
export interface E2eRoot extends TempRoot {
  /** var/log/evh.log */
  readonly logFile: string;
  /** out/: where fixture scripts write what they saw (mode 0777, for `user: nobody`). */
  readonly outDir: string;
  /** Rewrites evh.yaml: the fast defaults, then `settings`. */
  configure(settings?: Settings): void;
  /** Writes handlers.d/NAME: YAML text as is, or a handler (or list of documents) as YAML. */
  handler(name: string, content: string | Settings | readonly Settings[]): string;
  /** Drops an event into spool/new/ the Maildir way; returns its name. */
  drop(body: EventBody, name?: string): string;
  /** Starts `bin/evh run --root DIR ARGS` and waits until it is ready. */
  start(args?: readonly string[], options?: Omit<StartOptions, "args">): Promise<AgentProcess>;
  /** Names in a spool folder, sorted. */
  files(state: SpoolState): string[];
  /** Lines of a file under out/ (none when it does not exist yet). */
  lines(outName: string): string[];
  /** Path of a file under out/. */
  out(name: string): string;
  /** Stops its agents, removes the root; throws if a process of it outlived its agent. */
  dispose(): Promise<void>;
}

export function makeE2eRoot(settings?: Settings): E2eRoot {
  const temp = makeTempRoot("evh-e2e-");
  const agents: AgentProcess[] = [];
  const outDir = temp.path("out");
  mkdirSync(outDir);
  chmodSync(outDir, 0o777); // past the umask
  const root: E2eRoot = {
    ...temp,
    logFile: temp.path("var", "log", "evh.log"),
    outDir,
    configure(more = {}) {
      temp.write("evh.yaml", stringify({ ...FAST_SETTINGS, ...more }));
    },
    handler(name, content) {
      const text =
        typeof content === "string"
          ? content
          : Array.isArray(content)
            ? content.map((doc) => stringify(doc)).join("---\n")
            : stringify(content);
      return temp.write(`handlers.d/${name}`, text);
    },
    drop: (body, name) => dropEvent(temp.spoolDir, body, name),
    async start(args = [], options = {}) {
      // Tracked before it is ready: one that never gets there must be stopped too.
      const agent = await startAgent(temp.dir, { ...options, args, waitReady: false });
      agents.push(agent);
      if (options.waitReady !== false) await agent.ready(options.readyTimeoutMs);
      return agent;
    },
    files(state) {
      const dir = temp.path("spool", state);
      return existsSync(dir) ? readdirSync(dir).sort() : [];
    },
    lines(outName) {
      const file = root.out(outName);
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8").split("\n").filter(Boolean);
    },
    out: (name) => temp.path("out", name),
    async dispose() {
      try {
        await Promise.all(agents.map((a) => a.stop("SIGTERM", 15_000)));
        await assertNothingLeft(temp.dir);
      } finally {
        temp.cleanup();
      }
    },
  };
  root.configure(settings);
  return root;
}

/**
 * Waits briefly for processes of the root to end (handlers orphaned by a
 * `kill -9` may still be finishing), then kills whatever is left and fails.
 */
async function assertNothingLeft(dir: string): Promise<void> {
  try {
    await waitFor(() => processesMentioning(dir).length === 0, 5000, "processes to end");
  } catch {
    const left = processesMentioning(dir);
    const described = left.map((pid) => `${pid}: ${commandLineOf(pid)}`);
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
    if (left.length > 0) throw new Error(`processes left alive:\n${described.join("\n")}`);
  }
}

/**
 * Gives each test fresh roots and disposes of them after it (agents stopped,
 * no process left, temp dir removed).
 */
export function useE2eRoots(): (settings?: Settings) => E2eRoot {
  const made: E2eRoot[] = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    for (const root of made.splice(0)) {
      await root.dispose().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  });
  return (settings) => {
    const root = makeE2eRoot(settings);
    made.push(root);
    return root;
  };
}
