/**
 * torture:resources — the agent under a full disk, a file-descriptor
 * limit, and spool folders removed under it.
 *
 * - disk full: the root is a 2 MiB tmpfs, filled to the last byte while
 *   events arrive (written before, renamed in after: a rename needs no
 *   space). The agent must not crash or lose an event, and must resume
 *   when space frees up; then the same with a kill -9 while full.
 * - EMFILE: the agent runs under `ulimit -n 40` with 16 slots; every event
 *   must still run and none end in failed/ for it.
 * - spool/new/ removed and recreated under the running agent (and cur/,
 *   failed/): events dropped after must still be handled.
 * - clocks: timers are monotonic; documented in the Figures, with the
 *   fake-clock regression test for the SIGKILL grace in test/execute/.
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  FIXTURES,
  handlerYaml,
  isRoot,
  makeRoot,
  Report,
  readRuns,
  sleep,
  startAgent,
  until,
} from "./harness.mjs";

export const RESOURCES_DEFAULTS = {
  /** Events dropped while the disk is full, per phase. */
  events: 30,
  /** How long the disk stays full. */
  fullMs: 6000,
  keep: false,
  log: () => undefined,
};

const RECORD = path.join(FIXTURES, "record-run.sh");

export async function runResources(options = {}) {
  const o = { ...RESOURCES_DEFAULTS, ...options };
  const report = new Report("resources");
  o.log("disk full");
  await diskFull(report, o);
  o.log("EMFILE");
  await fileLimit(report, o);
  o.log("spool folders removed");
  await foldersRemoved(report, o);
  report.note(
    "clocks: timeouts, retry backoffs, the settle delay and rescans are Node timers, which run on the monotonic clock; a wall-clock jump does not move them. The SIGTERM-to-SIGKILL grace used the wall clock and now does not (test/execute/terminate-group-clock.test.ts fakes a one-hour jump). The dedupe window and timestamps are wall-clock by nature.",
  );
  return report;
}

/** Writes `size`-byte chunks to `file` until the file system is full; returns the bytes written. */
function fill(file) {
  const fd = openSync(file, "a");
  const chunk = Buffer.alloc(4096, 0x7a);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch {
    return written;
  } finally {
    closeSync(fd);
  }
}

async function diskFull(report, o) {
  if (!isRoot) {
    report.note("not root: the disk-full part was skipped (it mounts a tmpfs)");
    return;
  }
  const mountPoint = mkdtempSync(path.join(tmpdir(), "evh-torture-disk-"));
  const outside = mkdtempSync(path.join(tmpdir(), "evh-torture-runs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]);
  } catch (error) {
    report.note(
      `cannot mount a tmpfs (${error.message.split("\n")[0]}): the disk-full part was skipped`,
    );
    rmSync(mountPoint, { recursive: true, force: true });
    return;
  }
  const runs = path.join(outside, "runs.log");
  writeFileSync(runs, "");
  let agent;
  try {
    const root = makeRoot({ dir: mountPoint });
    root.writeHandler(
      "10-rec.yaml",
      handlerYaml({ id: "rec", event: "*", command: [RECORD, runs, "0", "may-fail"] }),
    );
    agent = await startAgent(root);
    const expected = new Map();
    const filler = root.path("filler");

    /** Events written into tmp/ while there is space, renamed into new/ once the disk is full. */
    const phase = async (tag) => {
      const names = [];
      for (let i = 0; i < o.events; i++) {
        const name = `${tag}-${String(i).padStart(3, "0")}.json`;
        const fail = i % 5 === 4;
        writeFileSync(
          root.spool("tmp", name),
          JSON.stringify({
            event: "t_disk",
            params: fail ? { NEW_FAIL: "yes" } : { NEW_N: String(i) },
          }),
        );
        expected.set(name.slice(0, -5), { name, fail });
        names.push(name);
      }
      const filled = fill(filler);
      for (const name of names) renameSync(root.spool("tmp", name), root.spool("new", name));
      return filled;
    };

    // A: full, then space again, without a restart.
    const filledA = await phase("a");
    await sleep(o.fullMs);
    const aliveWhileFull = agent.alive;
    const runsWhileFull = readRuns(runs).lines;
    rmSync(filler);
    const drainedA = await until(
      () => root.events("new").length + root.events("cur").length === 0,
      30_000,
      100,
    );
    report.check(
      "the agent survives a full disk",
      aliveWhileFull && agent.alive,
      JSON.stringify(agent.exitInfo),
    );
    report.check(
      "it resumes when space frees up: the spool drains without a restart",
      drainedA === true,
      spoolCounts(root),
    );
    const failRuns = [...expected]
      .filter(([, e]) => e.fail)
      .map(([id]) => readRuns(runs).counts.get(`${id} rec`) ?? 0);
    const rerun = failRuns.filter((n) => n > 1).length;
    report.check(
      "a failed handler is not re-run while its event cannot be placed in failed/",
      rerun === 0,
      `${rerun} failed handlers ran ${Math.max(0, ...failRuns)} times`,
    );
    // Lines logged while the log file cannot be written go to the console only; the file is
    // reopened within a few seconds once there is space: an event after that is in it.
    const logProbe = root.emit({ event: "t_disk", params: { NEW_N: "log" } }, "a-log.json");
    expected.set("a-log", { name: logProbe, fail: false });
    const logResumed = await until(
      () => readFileSync(root.logFile, "utf8").includes(`"file":"${logProbe}"`),
      15_000,
      100,
    );
    report.check(
      "the log file resumes once space frees up: a later event is in it",
      logResumed === true,
      `the log file ends at ${readFileSync(root.logFile, "utf8").length} bytes`,
    );
    report.figure(
      "disk full A",
      `${fmtBytes(filledA)} filler; ${runsWhileFull} handler runs while full; drained after space freed: ${drainedA === true}`,
    );
    // Every outcome the agent acted on must be in the journal (no compaction has run since the start).
    const journal = readFileSync(root.path("var", "journal.jsonl"), "utf8");
    const unjournaled = [...expected.values()].filter(
      (e) => !journal.includes(`"t":"run","f":"${e.name}"`),
    );
    report.check(
      "every handler outcome the agent acted on is in the journal",
      unjournaled.length === 0,
      `${unjournaled.length} of ${expected.size} run records missing, e.g. ${unjournaled[0]?.name}`,
    );

    // B: full again, kill -9 while full, space again, restart.
    const filledB = await phase("b");
    await sleep(o.fullMs / 2);
    await agent.kill9();
    rmSync(filler);
    agent = await startAgent(root);
    const drainedB = await until(
      () => root.events("new").length + root.events("cur").length === 0,
      30_000,
      100,
    );
    report.check(
      "after a kill -9 on a full disk and a restart, the spool drains",
      drainedB === true,
      spoolCounts(root),
    );
    report.figure("disk full B", `${fmtBytes(filledB)} filler; kill -9 while full`);

    const { counts } = readRuns(runs);
    const missing = [...expected.keys()].filter((id) => !counts.has(`${id} rec`));
    report.check(
      "no event was lost: every handler ran at least once",
      missing.length === 0,
      missing.join(", "),
    );
    const failed = root.events("failed");
    const failIds = [...expected].filter(([, e]) => e.fail).map(([, e]) => e.name);
    report.check(
      "the events whose handler failed are in failed/ with a sidecar, and only they",
      failIds.every((n) => failed.includes(n) && root.sidecar(n)) &&
        failed.length === failIds.length,
      `failed/: ${failed.join(", ")}`,
    );
    const okDuplicates = [...expected]
      .filter(([, e]) => !e.fail)
      .reduce((n, [id]) => n + Math.max(0, (counts.get(`${id} rec`) ?? 0) - 1), 0);
    report.figure("ok handlers run twice across both phases", okDuplicates);
    report.check(
      "an ok handler ran twice only when in flight at the kill (at most 1)",
      okDuplicates <= 1,
      `${okDuplicates} duplicates`,
    );
    const torn = readFileSync(root.path("var", "journal.jsonl"), "utf8")
      .split("\n")
      .filter((l) => {
        if (!l) return false;
        try {
          JSON.parse(l);
          return false;
        } catch {
          return true;
        }
      });
    report.figure("torn journal lines after the disk-full phases", torn.length);
    const stopped = await agent.stop();
    report.check(
      "the agent stops cleanly after the disk-full phases",
      stopped.code === 0,
      JSON.stringify(stopped),
    );
  } finally {
    if (agent?.alive) await agent.kill9();
    try {
      execFileSync("umount", [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    } catch (error) {
      report.note(`could not unmount ${mountPoint}: ${error.message.split("\n")[0]}`);
    }
    rmSync(outside, { recursive: true, force: true });
  }
}

async function fileLimit(report, o) {
  const root = makeRoot({ config: { concurrency: 16 } });
  const runs = root.path("runs.log");
  root.writeHandler(
    "10-rec.yaml",
    handlerYaml({ id: "rec", event: "*", command: [RECORD, runs, "0.3"] }),
  );
  let agent;
  try {
    agent = await startAgent(root, { ulimitFiles: 40 });
    const started = Date.now();
    const ids = [];
    for (let i = 0; i < 2 * o.events; i++) {
      const name = root.emit({ event: "t_fd", key: `k${i}` });
      ids.push(name.slice(0, -5));
    }
    const drained = await until(
      () => root.events("new").length + root.events("cur").length === 0,
      120_000,
      100,
    );
    const ms = Date.now() - started;
    const { counts } = readRuns(runs);
    const missing = ids.filter((id) => !counts.has(`${id} rec`));
    const emfile = agent
      .output()
      .split("\n")
      .filter((l) => /EMFILE|too many open files/.test(l));
    report.check(
      "under ulimit -n 40 the agent stays up and drains the spool",
      agent.alive && drained === true,
      `${spoolCounts(root)}; ${JSON.stringify(agent.exitInfo)}`,
    );
    report.check(
      "no event ends in failed/ for lack of file descriptors",
      root.events("failed").length === 0,
      root.events("failed").slice(0, 5).join(", "),
    );
    report.check("every handler ran", missing.length === 0, `${missing.length} never ran`);
    report.check(
      "16 running handlers raise no MaxListenersExceededWarning",
      !agent.output().includes("MaxListenersExceededWarning"),
    );
    report.figure(
      "ulimit -n 40, 16 slots",
      `${ids.length} events in ${ms} ms; ${emfile.length} EMFILE lines in the log`,
    );
    const stopped = await agent.stop();
    report.check(
      "the agent stops cleanly after EMFILE",
      stopped.code === 0,
      JSON.stringify(stopped),
    );
  } finally {
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`EMFILE root kept: ${root.dir}`);
  }
}

async function foldersRemoved(report, o) {
  const root = makeRoot({ config: { rescan_interval: "500ms" } });
  const runs = root.path("runs.log");
  root.writeHandler(
    "10-rec.yaml",
    handlerYaml({ id: "rec", event: "*", command: [RECORD, runs, "0", "may-fail"] }),
  );
  let agent;
  const ran = (name) => () => readRuns(runs).counts.has(`${name.slice(0, -5)} rec`);
  try {
    agent = await startAgent(root);
    for (const folder of ["new", "cur", "failed"]) {
      const before = root.emit({ event: "t_dir" }, `before-${folder}.json`);
      await until(ran(before), 10_000);
      rmSync(root.spool(folder), { recursive: true, force: true });
      await sleep(1500);
      if (folder === "new") mkdirSync(root.spool("new"), { mode: 0o755 });
      const params = folder === "failed" ? { NEW_FAIL: "yes" } : {};
      const after = root.emit({ event: "t_dir", params }, `after-${folder}.json`);
      const handled = await until(ran(after), 5000);
      const placed = await until(
        () =>
          folder === "failed"
            ? root.sidecar(after)
            : !root.events("new").includes(after) && !root.events("cur").includes(after),
        5000,
      );
      const what = folder === "new" ? "removed and recreated" : "removed";
      report.check(
        `with spool/${folder}/ ${what} under the agent, a new event is still handled and placed`,
        agent.alive && handled === true && Boolean(placed),
        `alive ${agent.alive}, ran ${handled === true}, placed ${Boolean(placed)}; new/: ${root.list("new").join(",")}`,
      );
      if (folder !== "new") mkdirSync(root.spool(folder), { recursive: true, mode: 0o700 });
    }
    const stopped = await agent.stop();
    report.check(
      "the agent stops cleanly after the folders came and went",
      stopped.code === 0,
      JSON.stringify(stopped),
    );
  } finally {
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`folders root kept: ${root.dir}`);
  }
}

function spoolCounts(root) {
  return ["new", "cur", "failed"].map((s) => `${s}: ${root.events(s).length}`).join(", ");
}

function fmtBytes(n) {
  return `${Math.round(n / 1024)} KiB`;
}
