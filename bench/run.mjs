#!/usr/bin/env node
/**
 * `npm run bench`: measures the evh agent against a bare Node loop, xargs -P
 * and incron on this machine, and checks the figures against the targets of
 * the issues "start handlers off the agent's thread: a launcher design" and
 * "Measure and win on speed" (bench/lib/targets.mjs). See docs/performance.md.
 *
 * Prints a report, writes every raw figure to bench/results/<time>.json and
 * draws two charts beside it (<time>-throughput.svg, <time>-latency-cdf.svg).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { useEvh } from "./lib/agent.mjs";
import { writeCharts } from "./lib/charts.mjs";
import { cleanupAll } from "./lib/cleanup.mjs";
import { openIncron } from "./lib/incron.mjs";
import { describeMachine } from "./lib/machine.mjs";
import { readOptions, usage } from "./lib/options.mjs";
import { renderReport } from "./lib/report.mjs";
import { checkTargets } from "./lib/targets.mjs";
import { installIfMissing } from "./lib/tools.mjs";
import { limits } from "./lib/workload.mjs";
import { backlog } from "./scenarios/backlog.mjs";
import { handlers } from "./scenarios/handlers.mjs";
import { idle } from "./scenarios/idle.mjs";
import { latency } from "./scenarios/latency.mjs";
import { profile } from "./scenarios/profile.mjs";
import { throughput } from "./scenarios/throughput.mjs";
import { webhook } from "./scenarios/webhook.mjs";

const SCENARIOS = { throughput, latency, backlog, handlers, idle, profile, webhook };
const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

let opts;
try {
  opts = readOptions();
} catch (error) {
  process.stderr.write(`bench: ${error.message}\n\n${usage()}\n`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(`${usage()}\n`);
  process.exit(0);
}

const started = Date.now();
const progress = (line) => {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${line}\n`);
};
const stamp = new Date().toISOString().replaceAll(":", "-").replace(/\..*/, "");
let results;
try {
  const evhBin = useEvh(opts.evhBin, opts.evhNodeArgs);
  limits.runTimeoutMs = opts.runTimeoutS * 1000;
  // strace gives the idle wakeups by timer and the syscalls per event; without it those are skipped.
  if (!installIfMissing("strace", "strace", opts.install))
    progress("strace not found: its views are skipped");
  results = {
    machine: describeMachine(evhBin),
    options: opts,
    startedAt: new Date().toISOString(),
  };
  progress(`evh ${evhBin}; sections: ${opts.sections.join(", ")}`);
  // incron serves two sections; set up once, and always taken down below.
  let incronSession;
  const needsIncron = opts.sections.includes("throughput") || opts.sections.includes("latency");
  if (needsIncron && opts.contenders.includes("incron")) {
    const session = await openIncron(opts);
    if (session.skipped) {
      results.incronSkipped = session.skipped;
      progress(`incron skipped: ${session.skipped}`);
    } else {
      incronSession = session;
    }
  }
  try {
    results.loadAfter = {};
    for (const name of opts.sections) {
      const context = { incronSession, progress, resultsDir: RESULTS_DIR, stamp };
      results[name] = await SCENARIOS[name](opts, context);
      // The machine's 1/5/15-min load after each section: a busy neighbour shows up here.
      results.loadAfter[name] = os.loadavg().map((l) => Math.round(l * 100) / 100);
    }
  } finally {
    await incronSession?.close();
  }
  results.targets = checkTargets(results);
  results.finishedAt = new Date().toISOString();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const charts = writeCharts(results, path.join(RESULTS_DIR, stamp), progress);
  const shown = (f) => path.relative(process.cwd(), f);
  process.stdout.write(
    `${renderReport(results)}\n\nraw results: ${shown(file)}\n` +
      charts.map((f) => `chart: ${shown(f)}\n`).join(""),
  );
} catch (error) {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exitCode = 1;
} finally {
  cleanupAll();
}
