/**
 * torture:bad-events — no input breaks the agent.
 *
 * Each case of the corpus (bad-events-corpus.mjs) is dropped into new/ of
 * a running agent and followed by a good event. Checked: the good event is
 * handled (the agent neither crashed nor stalled); each bad file ends in
 * failed/ byte for byte, with a sidecar whose reason is the specific one
 * expected, or stays untouched in new/ where SPEC says (hidden names), or
 * is handled where it is in fact valid; nothing is left in cur/.
 */
import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildBadEventCorpus } from "./bad-events-corpus.mjs";
import { FIXTURES, fmt, handlerYaml, makeRoot, Report, startAgent, until } from "./harness.mjs";

export const BAD_EVENTS_DEFAULTS = {
  /** Run every n-th case only (1 = the whole corpus). */
  every: 1,
  settleDelayMs: 300,
  keep: false,
  log: () => undefined,
};

/** Longest a good event may wait behind a bad one before the agent counts as stalled. */
const STALL_MS = 15_000;

export async function runBadEvents(options = {}) {
  const o = { ...BAD_EVENTS_DEFAULTS, ...options };
  const report = new Report("bad-events");
  const all = buildBadEventCorpus();
  // A sample keeps the cases that reproduce known defects, and the cases they need.
  const corpus = all.filter((c, i) => i % o.every === 0 || c.known || c.keep);
  const root = makeRoot({ config: { settle_delay: `${o.settleDelayMs}ms` } });
  const runs = root.path("runs.log");
  root.writeHandler(
    "10-rec.yaml",
    handlerYaml({
      id: "rec",
      event: "*",
      timeout: "30s",
      command: [path.join(FIXTURES, "record-run.sh"), runs, "0", "may-fail"],
    }),
  );
  let agent = await startAgent(root);
  const stalls = [];
  let worstMs = 0;
  let restarts = 0;
  try {
    for (const [i, c] of corpus.entries()) {
      if (i % 50 === 0) o.log(`case ${i + 1}/${corpus.length}`);
      await drop(root, c);
      const goodName = `good-${String(i).padStart(3, "0")}`;
      const started = Date.now();
      root.emit(
        { event: "client_create", params: { NEW_LOGIN_NAME: "after" } },
        `${goodName}.json`,
      );
      const handled = await until(() => ranFor(runs, goodName) || !agent.alive, STALL_MS);
      worstMs = Math.max(worstMs, Date.now() - started);
      if (agent.alive && handled === true) continue;
      stalls.push({
        what: `${c.id}: ${agent.alive ? `stalled (no good event for ${STALL_MS} ms)` : `agent exited ${JSON.stringify(agent.exitInfo)}`}`,
        known: c.known,
      });
      o.log(`after ${c.id}:\n${agent.output().slice(-3000)}`);
      // Go on with a fresh agent, so one defect does not hide the rest of the corpus.
      await agent.kill9();
      agent = await startAgent(root);
      restarts++;
    }
    // Quarantine of bad files written straight into new/ waits for the settle delay.
    await until(() => root.list("cur").length === 0, o.settleDelayMs + 10_000, 100);
    const peak = agent.peakRssKiB();
    const stopped = await agent.stop();
    for (const known of [undefined, ...new Set(stalls.map((x) => x.known).filter(Boolean))]) {
      const these = stalls.filter((x) => x.known === known);
      if (known === undefined || these.length > 0) {
        report.check(
          `the agent handled the good event after every bad one${known ? ` (${known})` : ""}`,
          these.length === 0,
          these.map((x) => x.what).join("; "),
          known,
        );
      }
    }
    report.check(
      "the agent stops cleanly at the end (exit 0)",
      stopped.code === 0,
      JSON.stringify(stopped),
    );
    const outcome = judge(report, root, corpus);
    report.figure(
      "corpus",
      `${fmt(corpus.length)} cases${o.every > 1 ? ` (every ${o.every}th of ${all.length})` : ""}`,
    );
    report.figure(
      "outcomes",
      Object.entries(outcome.counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", "),
    );
    report.figure("distinct reasons", outcome.reasons.size);
    report.figure("slowest good event behind a bad one", `${worstMs} ms`);
    report.figure("agent peak RSS", peak === undefined ? "n/a" : `${Math.round(peak / 1024)} MiB`);
    if (restarts > 0) report.figure("agent restarts after a crash or stall", restarts);
    return report;
  } finally {
    if (agent.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`root kept: ${root.dir}`);
  }
}

async function drop(root, c) {
  if (c.drop) return c.drop(root, c.name);
  if (c.make) return c.make(path.join(root.spool("new"), c.name));
  if (Buffer.isBuffer(c.name)) {
    // A name that is not UTF-8: Node takes such paths as Buffers.
    const tmp = Buffer.concat([Buffer.from(`${root.spool("tmp")}/`), c.name]);
    writeFileSync(tmp, c.bytes);
    renameSync(tmp, Buffer.concat([Buffer.from(`${root.spool("new")}/`), c.name]));
    return;
  }
  root.emit(c.bytes, c.name);
}

function ranFor(runs, eventId) {
  try {
    return `\n${readFileSync(runs, "utf8")}`.includes(`\n${eventId} rec `);
  } catch {
    return false;
  }
}

/** Compares every case's final state with what it expects; returns outcome counts and reasons seen. */
function judge(report, root, corpus) {
  const logLines = root.logLines();
  const done = new Set(
    root
      .logLines()
      .filter((l) => l.message === "event done")
      .map((l) => l.file),
  );
  const counts = { failed: 0, ignored: 0, handled: 0, race: 0 };
  const reasons = new Set();
  const wrong = [];
  const knownWrong = new Map();
  const rawNames = (state) => {
    try {
      return readdirSync(root.spool(state), { encoding: "buffer" });
    } catch {
      return [];
    }
  };
  const inState = (state, name) => rawNames(state).some((n) => n.equals(Buffer.from(name)));
  const strange = rawNames("").filter(
    (n) => !["tmp", "new", "cur", "done", "failed"].includes(n.toString()),
  );
  report.check("nothing but the state folders in spool/", strange.length === 0, strange.join(", "));
  for (const c of corpus) {
    const problem = caseProblem(c, root, done, inState, counts, reasons, logLines);
    if (problem === undefined) {
      if (c.known) report.fixed(c.known, c.id);
      continue;
    }
    if (c.known)
      knownWrong.set(c.known, [...(knownWrong.get(c.known) ?? []), `${c.id}: ${problem}`]);
    else wrong.push(`${c.id}: ${problem}`);
  }
  report.check(
    "every bad input ends as SPEC says, with its specific reason",
    wrong.length === 0,
    `${wrong.length} wrong:\n    ${wrong.join("\n    ")}`,
  );
  for (const [defect, list] of knownWrong) {
    report.check(`known defect ${defect} reproduces`, false, list.join("; "), defect);
  }
  const stray = root.list("failed").filter((n) => /\.tmp-\d+$/.test(n));
  report.check("no temporary files left in failed/", stray.length === 0, stray.join(", "));
  return { counts, reasons };
}

/** What is wrong with one case's final state, or undefined when it is as expected. */
function caseProblem(c, root, done, inState, counts, reasons, logLines) {
  const stuck = ["new", "cur"].filter((s) => inState(s, c.name));
  if (c.expect === "ignored") {
    if (!stuck.includes("new") || !sameContent(root.spool("new", c.name), c)) {
      return `expected left alone in new/, found in ${stuck.join(",") || "neither new/ nor cur/"}`;
    }
    counts.ignored++;
    return undefined;
  }
  if (stuck.length > 0) return `stuck in ${stuck.join(", ")}/`;
  if (c.expect === "any") {
    counts.race++;
    return undefined;
  }
  if (c.expect === "handled") {
    if (done.has(c.name)) {
      counts.handled++;
      return undefined;
    }
    const sidecar = root.sidecar(c.name);
    return `expected handled, got ${sidecar ? `failed/: ${sidecar.reason}` : "nothing"}`;
  }
  // Where it went: the quarantine log line names the place (x.1.json when x.json is taken).
  const placed = placedName(c, logLines);
  if (c.noSidecar) {
    const said = logLines.find(
      (l) => l.file === c.name && typeof l.reason === "string" && c.expect.test(l.reason),
    );
    if (!inState("failed", placed)) return "file not in failed/";
    if (!said) return `no log line with a reason matching ${c.expect}`;
    reasons.add(said.reason);
    counts.failed++;
    return undefined;
  }
  const sidecar = root.sidecar(placed);
  if (!sidecar) {
    return `expected in failed/ with a sidecar, ${inState("failed", placed) ? "sidecar missing" : "file not in failed/"}`;
  }
  reasons.add(sidecar.reason);
  const problems = [];
  if (!c.expect.test(sidecar.reason))
    problems.push(`reason ${JSON.stringify(sidecar.reason)} does not match ${c.expect}`);
  if (/\n/.test(sidecar.reason)) problems.push("reason is more than one line");
  if (typeof sidecar.detail !== "string" || Number.isNaN(Date.parse(sidecar.at)))
    problems.push("sidecar lacks detail or at");
  if (!inState("failed", placed)) problems.push("the file itself is not in failed/");
  else if (!sameContent(root.spool("failed", placed), c))
    problems.push("the file in failed/ is not the file dropped");
  if (problems.length > 0) return problems.join("; ");
  counts.failed++;
  return undefined;
}

/** The name a quarantined case took in failed/, from its log line; its own name otherwise. */
function placedName(c, logLines) {
  const line = logLines.find(
    (l) => typeof l.message === "string" && l.message.startsWith(`quarantined ${c.name}: `),
  );
  return typeof line?.file === "string" ? line.file : c.name;
}

/** Whether `file` is what the case dropped: same bytes, or still the same kind of non-file. */
function sameContent(file, c) {
  try {
    if (c.make) return !lstatSync(file).isFile();
    if (c.drop) return true;
    return readFileSync(file).equals(c.bytes);
  } catch {
    return false;
  }
}
