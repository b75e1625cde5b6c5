import type { Command } from "commander";
import { lockLabel, runningAgentPid } from "../../agent/instance-lock.js";
import { rootLockPath, rootLockRefusal } from "../../execute/root-lock.js";
import { readRunning } from "../../record/running-file.js";
import { failures } from "../../spool/failures.js";
import { Spool } from "../../spool/spool.js";
import { ageText } from "../age-text.js";
import { displayPath, formatTable, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface StatusOptions extends CommonOptions {
  json?: boolean;
}

/** How many failures `status` lists; `evh queue --state failed` lists them all. */
const LAST_FAILURES = 10;

/** `evh status`: the agent and the spool at a glance; exit 0 whether the agent runs or not. */
export function registerStatus(program: Command, done: Done): void {
  withCommon(program.command("status"))
    .description(
      "the agent (pid), the handlers running now, the root lock, counts in new/cur/failed, the last failures",
    )
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
    spool.events("new"),
    spool.events("cur"),
    failures(spool),
  ]);
  const now = Date.now();
  const oldest = fresh.reduce((min, e) => Math.min(min, e.mtimeMs), Number.POSITIVE_INFINITY);
  const lockFile = rootLockPath(config.varDir);
  const report = {
    root: { dir: config.root, why: config.rootWhy },
    agent: {
      running: pid !== null,
      pid,
      ...(holder === "foreign" ? { lock_held_by_other: true } : {}),
    },
    // The runner's own check: a lock status reports set is one the runner refuses by.
    root_lock: { set: rootLockRefusal(lockFile, 0) !== undefined, file: lockFile },
    running: (pid === null ? [] : readRunning(config.varDir, pid)).map((r) => ({
      ...r,
      elapsed_s: Math.max(0, Math.floor((now - Date.parse(r.started_at)) / 1000)),
    })),
    counts: { new: fresh.length, cur: cur.length, failed: failed.length },
    oldest_new_age_s: fresh.length === 0 ? null : Math.max(0, Math.floor((now - oldest) / 1000)),
    last_failures: failed.slice(0, LAST_FAILURES),
    more_failures: Math.max(0, failed.length - LAST_FAILURES),
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
    report.root_lock.set
      ? `root lock: set (${displayPath(lockFile)}): handlers that run as root are refused`
      : "root lock: not set",
  );
  say(
    `spool:  ${report.counts.new} new, ${report.counts.cur} in progress (cur), ${report.counts.failed} failed  [${displayPath(config.spoolDir)}]`,
  );
  if (report.oldest_new_age_s !== null) {
    say(`oldest waiting event: ${report.oldest_new_age_s} s old`);
  }
  if (report.running.length > 0) {
    say();
    say("running now:");
    say(
      indent(
        formatTable(
          ["ELAPSED", "HANDLER", "EVENT"],
          report.running.map((r) => [ageText(r.elapsed_s), r.handler, r.event]),
        ),
      ),
    );
  }
  if (report.last_failures.length > 0) {
    say();
    say("last failures (evh show NAME says why, evh retry NAME puts one back, --all every one):");
    say(
      indent(
        formatTable(
          ["AT", "FILE", "REASON"],
          report.last_failures.map((f) => [f.at, f.file, f.reason]),
        ),
      ),
    );
    if (report.more_failures > 0) {
      say(`  ... and ${report.more_failures} more (evh queue --state failed lists them all)`);
    }
  }
  return 0;
}

function indent(table: string): string {
  return table
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
