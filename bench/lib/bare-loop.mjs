#!/usr/bin/env node
/**
 * The "bare Node.js" contender, run as its own process so its CPU and memory
 * are its own: it spawns the bench handler with a fixed concurrency and does
 * nothing else (no spool, no journal, no log). What evh adds on top of this
 * is evh's own cost.
 *
 *   bare-loop.mjs --script S --concurrency C --spawner spawn|spawn-pipes|execa --ids FILE
 *       runs S once per id in FILE, prints {"startMs", "maxRssMiB", "cpuMs", "minorFaults"} at the end;
 *   bare-loop.mjs --script S --concurrency C --watch DIR
 *       runs S for each file renamed into DIR (fs.watch), until SIGTERM: the
 *       latency floor of a Node process that reacts to inotify.
 */
import { spawn } from "node:child_process";
import { readFileSync, watch } from "node:fs";
import { parseArgs } from "node:util";

const { values: opt } = parseArgs({
  options: {
    script: { type: "string" },
    concurrency: { type: "string", default: "2" },
    spawner: { type: "string", default: "spawn" },
    ids: { type: "string" },
    watch: { type: "string" },
  },
});
const concurrency = Number(opt.concurrency);
const CLEAN_ENV = { PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8" };
const execa = opt.spawner === "execa" ? (await import("execa")).execa : undefined;

/** One run of the script, resolved at its exit; the variants isolate what each layer costs. */
function runOnce(arg) {
  switch (opt.spawner) {
    case "spawn": // the minimum: no pipes, inherited env
      return new Promise((resolve) =>
        spawn(opt.script, [arg], { stdio: "ignore" }).once("exit", resolve),
      );
    case "spawn-pipes": // what a supervisor needs: own process group, captured output, clean env
      return new Promise((resolve) => {
        const child = spawn(opt.script, [arg], {
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
          env: CLEAN_ENV,
        });
        child.stdout.resume();
        child.stderr.resume();
        child.once("close", resolve);
      });
    case "execa": {
      // the same through execa, with the options evh's supervisor uses
      const sub = execa(opt.script, [arg], {
        env: CLEAN_ENV,
        extendEnv: false,
        detached: true,
        stdin: "ignore",
        buffer: false,
        encoding: "buffer",
        reject: false,
        cleanup: false,
      });
      sub.stdout.resume();
      sub.stderr.resume();
      return sub;
    }
    default:
      throw new Error(`unknown spawner ${opt.spawner}`);
  }
}

/** A queue drained by `concurrency` workers. */
function makeQueue() {
  const waiting = [];
  let running = 0;
  let idle;
  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      running++;
      runOnce(waiting.shift()).then(() => {
        running--;
        pump();
      });
    }
    if (running === 0 && waiting.length === 0) idle?.();
  };
  return {
    push(arg) {
      waiting.push(arg);
      pump();
    },
    drained: () =>
      new Promise((resolve) => {
        idle = resolve;
        pump();
      }),
  };
}

const queue = makeQueue();
if (opt.ids) {
  const ids = readFileSync(opt.ids, "utf8").split("\n").filter(Boolean);
  const startMs = performance.timeOrigin + performance.now();
  for (const id of ids) queue.push(id);
  await queue.drained();
  const usage = process.resourceUsage();
  const cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
  const figures = {
    startMs,
    maxRssMiB: usage.maxRSS / 1024,
    cpuMs,
    minorFaults: usage.minorPageFault,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
} else if (opt.watch) {
  const watcher = watch(opt.watch, (type, name) => {
    if (type === "rename" && name?.endsWith(".json")) queue.push(name.slice(0, -5));
  });
  process.on("SIGTERM", () => watcher.close());
  process.stdout.write("ready\n");
}
