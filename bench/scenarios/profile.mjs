import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { startAgent } from "../lib/agent.mjs";
import { onCleanup } from "../lib/cleanup.mjs";
import { sleep } from "../lib/clock.mjs";
import { threadIds } from "../lib/proc.mjs";
import { summarizeProfile } from "../lib/profile.mjs";
import { has } from "../lib/tools.mjs";
import {
  dropStaged,
  makeEvhRoot,
  makeTempDir,
  stageEvents,
  waitForStarts,
} from "../lib/workload.mjs";

/**
 * Where the agent's time goes during a burst, two ways (each its own run,
 * since both slow the agent down and must not touch the timed figures):
 * a V8 CPU profile of the main thread, and the system calls of the agent's
 * threads (strace -c, without following children: the handlers' own calls
 * are not evh's). The .cpuprofile is copied to bench/results/ to open in
 * Chrome DevTools or speedscope.
 */
export async function profile(opts, { progress, resultsDir, stamp }) {
  const n = opts.n;
  const cpu = await cpuProfile(opts, n, resultsDir, stamp);
  progress(`profile: main thread ${Math.round(cpu.summary.wallMs)} ms over ${n} events`);
  const syscalls = await syscallProfile(opts, Math.min(n, 300));
  if (syscalls) progress(`profile: ${syscalls.events} events traced with strace`);
  return { events: n, cpu, syscalls };
}

async function cpuProfile(opts, n, resultsDir, stamp) {
  const root = makeEvhRoot(opts);
  const profDir = makeTempDir("cpuprof", { keep: opts.keep });
  const ids = stageEvents(root.spool, n);
  // The agent passes its node flags on to its launchers: one profile each.
  const agent = await startAgent(root.root, {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`],
  });
  const firstDrop = dropStaged(root.spool, ids);
  const starts = await waitForStarts(root.out, n);
  const lastStart = starts.reduce((m, s) => Math.max(m, s.ms), 0);
  await agent.stop(); // the profiles are written when the agent and its launchers exit
  const files = readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile"));
  // node names each profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
  const pidOf = (f) => Number(f.split(".")[3]);
  const file = files.find((f) => pidOf(f) === agent.pid);
  if (!file) throw new Error("the agent wrote no .cpuprofile");
  mkdirSync(resultsDir, { recursive: true });
  const kept = path.join(resultsDir, `${stamp}-burst.cpuprofile`);
  copyFileSync(path.join(profDir, file), kept);
  // The burst only: profiling starts with the process, so the window is measured from the spawn
  // (node's own bootstrap, a few ms, makes it start slightly late), and ends 100 ms after the
  // last handler start to include that event's journal end and unlink.
  const window = {
    fromMs: firstDrop - agent.spawnedAtMs,
    toMs: lastStart - agent.spawnedAtMs + 100,
  };
  // The launchers' profiles whole (each starts with its process, just after the agent's): their
  // start-up, tens of ms, is spread over the burst's events. Charged per event of the burst.
  const launchers = files
    .filter((f) => f !== file)
    .map((f) => {
      const keptLauncher = path.join(resultsDir, `${stamp}-burst-launcher-${pidOf(f)}.cpuprofile`);
      copyFileSync(path.join(profDir, f), keptLauncher);
      return {
        file: keptLauncher,
        summary: summarizeProfile(keptLauncher, { events: n, top: 12 }),
      };
    });
  return {
    file: kept,
    window,
    summary: summarizeProfile(kept, { events: n, top: 20, ...window }),
    launchers,
  };
}

/** Per-event counts of each system call the agent makes; undefined without strace. */
async function syscallProfile(opts, n) {
  if (!has("strace")) return undefined;
  const root = makeEvhRoot(opts);
  const ids = stageEvents(root.spool, n);
  const agent = await startAgent(root.root);
  const log = path.join(root.root, "burst.strace");
  // Every thread by id and no -f: the libuv pool threads exist by now, handler children are not followed.
  const targets = threadIds(agent.pid).flatMap((tid) => ["-p", String(tid)]);
  const strace = spawn("strace", ["-c", "-qq", "-o", log, ...targets], { stdio: "ignore" });
  const release = onCleanup(() => strace.kill("SIGKILL"));
  await sleep(500); // attaching takes a moment; events dropped before would go partly untraced
  dropStaged(root.spool, ids);
  await waitForStarts(root.out, n);
  await sleep(500); // the last events' journal end and unlink
  const exited = new Promise((resolve) => strace.once("exit", resolve));
  strace.kill("SIGINT");
  await exited;
  release();
  await agent.stop();
  return { events: n, calls: parseStraceSummary(readFileSync(log, "utf8"), n) };
}

/** Rows of `strace -c`: `% time  seconds  usecs/call  calls  errors  syscall`. */
function parseStraceSummary(text, events) {
  const rows = [];
  for (const line of text.split("\n")) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^\d/.test(cols[0]) || cols.at(-1) === "total") continue;
    const hasErrors = cols.length === 6;
    const calls = Number(cols[3]);
    rows.push({
      syscall: cols.at(-1),
      calls,
      errors: hasErrors ? Number(cols[4]) : 0,
      seconds: Number(cols[1]),
      perEvent: calls / events,
    });
  }
  return rows.sort((a, b) => b.calls - a.calls);
}
