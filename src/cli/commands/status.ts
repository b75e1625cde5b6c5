import type { Command } from "commander";
import { lockLabel, runningAgentPid } from "../../agent/instance-lock.js";
import { Spool } from "../../spool/spool.js";
import { displayPath, formatTable, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { lastFailures, listEvents } from "../spool-report.js";

interface StatusOptions extends CommonOptions {
  json?: boolean;
}

/** How many failures `status` lists. */
const LAST_FAILURES = 10;

/** `evh status`: the agent and the spool at a glance; exit 0 whether the agent runs or not. */
export function registerStatus(program: Command, done: Done): void {
  withCommon(program.command("status"))
    .description("agent running or not (pid), counts in new/cur/failed, the last failures")
    .option("--json", "machine-readable output")
    .action((options: StatusOptions) => done(status(options)));
}

async function status(options: StatusOptions): Promise<number> {
  const config = configFor(options);
  const spool = new Spool(config.spoolDir, config.producerGroup);
  spool.checkTrust();
  const holder = await runningAgentPid(config.spoolDir);
  // Something else holding the lock's name is not an agent: said apart, not as a pid.
  const pid = typeof holder === "number" ? holder : null;
  const [fresh, cur, failed] = await Promise.all([
    listEvents(spool, "new"),
    listEvents(spool, "cur"),
    listEvents(spool, "failed"),
  ]);
  const oldest = fresh.reduce((min, e) => Math.min(min, e.mtimeMs), Number.POSITIVE_INFINITY);
  const report = {
    root: { dir: config.root, why: config.rootWhy },
    agent: {
      running: pid !== null,
      pid,
      ...(holder === "foreign" ? { lock_held_by_other: true } : {}),
    },
    counts: { new: fresh.length, cur: cur.length, failed: failed.length },
    oldest_new_age_s:
      fresh.length === 0 ? null : Math.max(0, Math.floor((Date.now() - oldest) / 1000)),
    last_failures: await lastFailures(spool, LAST_FAILURES),
  };
  if (options.json) {
    sayJson(report);
    return 0;
  }
  say(`root:   ${config.root}  (chosen by: ${config.rootWhy})`);
  say(
    pid !== null
      ? `agent:  running (pid ${pid})`
      : holder === "foreign"
        ? `agent:  not running; its instance lock ${lockLabel(config.spoolDir)} is held by a process that is not an evh agent`
        : "agent:  not running",
  );
  say(
    `spool:  ${report.counts.new} new, ${report.counts.cur} in progress (cur), ${report.counts.failed} failed  [${displayPath(config.spoolDir)}]`,
  );
  if (report.oldest_new_age_s !== null) {
    say(`oldest waiting event: ${report.oldest_new_age_s} s old`);
  }
  if (report.last_failures.length > 0) {
    say();
    say("last failures (evh retry NAME puts one back, --all every one):");
    say(
      formatTable(
        ["AT", "FILE", "REASON"],
        report.last_failures.map((f) => [f.at, f.file, f.reason]),
      )
        .split("\n")
        .map((line) => `  ${line}`)
        .join("\n"),
    );
  }
  return 0;
}
