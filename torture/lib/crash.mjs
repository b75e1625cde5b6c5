/**
 * torture:crash — at-least-once across kill -9.
 *
 * A producer drops events into spool/new/ while the agent is killed with
 * SIGKILL at random moments and restarted. Three handlers match every
 * event and append `<event id> <handler id> <attempt>` to a record file;
 * one of them fails for every `failEvery`-th event, so failed/ is used.
 *
 * Phases: (A) plain kills; (B) kills while handler files are rewritten in
 * a loop (atomic rewrites of a live handler, torn in-place writes of
 * another), so reloads and kills overlap; (C) the failed events are put
 * back into new/ (what `evh retry` does) and the agent is killed while it
 * retries them. Then the agent drains the spool and is stopped cleanly.
 *
 * Checked: every (event, handler) pair ran at least once; an `ok` handler
 * ran again only when it was in flight at a kill (at most `concurrency`
 * duplicates per kill); a retry re-ran only the failed handler; new/, cur/
 * and tmp/ end empty; failed/ holds exactly the events made to fail, each
 * with a sidecar naming the handler.
 */
import { appendFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  FIXTURES,
  fmt,
  handlerYaml,
  makeRoot,
  Report,
  random,
  readRuns,
  readRunsAfter,
  sleep,
  startAgent,
  until,
} from "./harness.mjs";

export const CRASH_DEFAULTS = {
  events: 3000,
  kills: 30,
  concurrency: 4,
  /** Every n-th event makes the `flaky` handler fail. */
  failEvery: 20,
  /** A kill lands 0..this many ms after the agent said it is ready. */
  maxKillDelayMs: 1500,
  seed: undefined,
  /** How long the final drain may take. */
  drainTimeoutMs: 600_000,
  keep: false,
  log: () => undefined,
};

const RECORD = path.join(FIXTURES, "record-run.sh");
const OK_HANDLERS = ["rec-a", "rec-b"];

export async function runCrash(options = {}) {
  const o = { ...CRASH_DEFAULTS, ...options };
  const seed = o.seed ?? Date.now() % 1_000_000;
  const rng = random(seed);
  const report = new Report("crash");
  const root = makeRoot({ config: { concurrency: o.concurrency } });
  const runs = root.path("runs.log");
  writeFileSync(runs, "");
  writeLiveHandlers(root, runs, 0);

  const expected = new Map(); // event id -> { file, fail }
  const kills = { A: 0, B: 0, C: 0, beforeReady: 0 };
  let unexpectedExits = 0;
  let agent;
  // Background producers and rewriters run while this holds; cleared on the way out, whatever happens.
  let phaseRunning = false;

  /** One cycle: start, let it work a random while, kill -9. */
  const cycle = async (phase, maxDelayMs) => {
    const early = rng.next() < 0.1;
    agent = await startAgent(root, { waitReady: !early });
    await sleep(early ? rng.int(0, 150) : rng.int(0, maxDelayMs));
    if (agent.crashed) unexpectedExits++;
    if (early && !agent.readySeen) kills.beforeReady++;
    await agent.kill9();
    kills[phase]++;
  };

  const emitEvents = (from, to) => {
    for (let n = from; n < to; n++) {
      const fail = n % o.failEvery === o.failEvery - 1;
      const withId = n % 2 === 0;
      const event =
        n % 3 === 0
          ? { event: "client_create", params: { NEW_LOGIN_NAME: `user${n % 40}` } }
          : n % 3 === 1
            ? { event: "domain_create", params: { NEW_DOMAIN_NAME: `d${n % 25}.example.com` } }
            : { event: "torture_event", params: { NEW_SEQ: n } };
      if (fail) event.params.NEW_FAIL = "yes";
      if (withId) event.id = `ev-${seed}-${n}`;
      const file = root.emit(event, `${String(n).padStart(6, "0")}-t.json`);
      expected.set(withId ? event.id : file.slice(0, -".json".length), { file, fail });
    }
  };

  /** Emits events [from, to) in random bursts while `running()` holds, the rest at the end. */
  const produce = async (from, to, running) => {
    let n = from;
    while (n < to && running()) {
      if (!root.exists("spool", "new")) return;
      const burst = Math.min(to - n, rng.int(1, 60));
      emitEvents(n, n + burst);
      n += burst;
      await sleep(rng.int(5, 120));
    }
    emitEvents(n, to);
  };

  try {
    const half = Math.floor(o.events / 2);
    const killsAB = Math.max(2, o.kills - Math.max(1, Math.floor(o.kills / 5)));
    const killsC = Math.max(1, o.kills - killsAB);
    const killsA = Math.ceil(killsAB / 2);

    // Phase A: a third of the events as a backlog, the rest streamed while killing.
    o.log(`phase A: ${killsA} kills, events 0..${half}`);
    emitEvents(0, Math.floor(half / 3));
    phaseRunning = true;
    const producerA = produce(Math.floor(half / 3), half, () => phaseRunning);
    for (let k = 0; k < killsA; k++) await cycle("A", o.maxKillDelayMs);
    phaseRunning = false;
    await producerA;

    // Phase B: the same, with handler files rewritten in a loop.
    o.log(
      `phase B: ${killsAB - killsA} kills during handler rewrites, events ${half}..${o.events}`,
    );
    phaseRunning = true;
    const rewriter = rewriteHandlers(root, runs, rng, () => phaseRunning);
    const producerB = produce(half, o.events, () => phaseRunning);
    for (let k = 0; k < killsAB - killsA; k++) await cycle("B", Math.min(400, o.maxKillDelayMs));
    phaseRunning = false;
    const rewrites = await rewriter;
    await producerB;
    writeLiveHandlers(root, runs, 0);

    o.log("draining");
    agent = await startAgent(root);
    const drained = await drain(root, o.drainTimeoutMs);
    report.check(
      "the spool drains after the kills (new/ and cur/ empty)",
      drained,
      spoolState(root),
    );
    if (agent.crashed) unexpectedExits++;
    await agent.stop();

    // Phase C: retry the failed events (as `evh retry --all` does), killing meanwhile.
    const failedNames = root.events("failed");
    appendFileSync(runs, "# retry\n");
    for (const name of failedNames) {
      rmSync(root.spool("failed", `${name}.error.json`), { force: true });
      renameSync(root.spool("failed", name), root.spool("new", name));
    }
    o.log(`phase C: ${killsC} kills while retrying ${failedNames.length} failed events`);
    for (let k = 0; k < killsC; k++) await cycle("C", 400);
    agent = await startAgent(root);
    const drainedC = await drain(root, o.drainTimeoutMs);
    report.check("the spool drains after the retry kills", drainedC, spoolState(root));
    if (agent.crashed) unexpectedExits++;
    const stopped = await agent.stop();
    report.check(
      "the agent stops cleanly with SIGTERM (exit 0)",
      stopped.code === 0,
      JSON.stringify(stopped),
    );

    verify(report, root, runs, expected, { kills, concurrency: o.concurrency });
    const totalKills = kills.A + kills.B + kills.C;
    report.check(
      "the agent never exited unless killed",
      unexpectedExits === 0,
      `${unexpectedExits} unexpected exits`,
    );
    // Load errors of the torn handler file written in phase B are expected; anything else is not.
    const errors = root
      .logLines()
      .filter((l) => l.level === "error" && !l.message.startsWith("handlers.d/"));
    report.figure("seed", seed);
    report.figure(
      "events",
      `${fmt(o.events)} (${fmt([...expected.values()].filter((e) => e.fail).length)} made to fail)`,
    );
    report.figure("concurrency", o.concurrency);
    report.figure(
      "kills",
      `${totalKills} (A ${kills.A} plain, B ${kills.B} during ${rewrites} handler rewrites, C ${kills.C} during retry; ${kills.beforeReady} before ready)`,
    );
    report.figure("journal", `${fmt(statSync(root.path("var", "journal.jsonl")).size)} bytes`);
    report.figure("error lines in the log (besides handler load errors)", errors.length);
    if (errors.length > 0) report.note(`first error line: ${errors[0].message}`);
    return report;
  } finally {
    phaseRunning = false;
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`root kept: ${root.dir}`);
  }
}

/** The three live handlers; `variant` changes only a comment and the timeout, as an admin's edit would. */
function writeLiveHandlers(root, runs, variant) {
  const timeout = variant % 2 === 0 ? "30s" : "31s";
  const comment = `# edit ${variant}\n`;
  root.writeHandler(
    "10-rec-a.yaml",
    comment +
      handlerYaml({
        id: "rec-a",
        event: "*",
        priority: "high",
        timeout,
        command: [RECORD, runs, "0"],
      }),
  );
  root.writeHandler(
    "20-rec-b.yaml",
    handlerYaml({ id: "rec-b", event: "*", timeout: "30s", command: [RECORD, runs, "0.01"] }),
  );
  root.writeHandler(
    "30-flaky.yaml",
    handlerYaml({
      id: "flaky",
      event: "*",
      priority: "low",
      timeout: "30s",
      retry: { attempts: 1, backoff: "20ms" },
      command: [RECORD, runs, "0", "may-fail"],
    }),
  );
}

/**
 * Until `running()` turns false: rewrites rec-a's file atomically (the
 * agent must never lose it) and writes a second file in place in two
 * pieces (the agent sees torn versions, refuses them and keeps the last
 * good one). Returns the number of rewrites.
 */
async function rewriteHandlers(root, runs, rng, running) {
  let n = 0;
  const noise = handlerYaml({
    id: "noise",
    event: "torture_never",
    command: [RECORD, runs, "0"],
  });
  const noiseFile = root.path("handlers.d", "90-noise.yaml");
  while (running() && root.exists("handlers.d")) {
    n++;
    writeLiveHandlers(root, runs, n);
    const cut = rng.int(1, noise.length - 1);
    writeFileSync(noiseFile, noise.slice(0, cut));
    await sleep(rng.int(20, 200));
    appendFileSync(noiseFile, noise.slice(cut));
    await sleep(rng.int(20, 200));
  }
  return n;
}

async function drain(root, timeoutMs) {
  const ok = await until(
    () => root.events("new").length === 0 && root.events("cur").length === 0,
    timeoutMs,
    100,
  );
  return ok === true;
}

function spoolState(root) {
  return ["new", "cur", "tmp"].map((s) => `${s}: ${root.list(s).length}`).join(", ");
}

function verify(report, root, runs, expected, { kills, concurrency }) {
  const { counts, lines } = readRuns(runs);
  const missing = [];
  let duplicates = 0;
  let worst = 1;
  for (const [id, { fail }] of expected) {
    for (const handler of [...OK_HANDLERS, "flaky"]) {
      const count = counts.get(`${id} ${handler}`) ?? 0;
      if (count === 0) missing.push(`${id} ${handler}`);
      const ok = handler !== "flaky" || !fail;
      if (ok && count > 1) {
        duplicates += count - 1;
        worst = Math.max(worst, count);
      }
    }
  }
  const totalKills = kills.A + kills.B + kills.C;
  report.check(
    "every (event, handler) pair ran at least once",
    missing.length === 0,
    `${missing.length} never ran, e.g. ${missing.slice(0, 5).join(", ")}`,
  );
  report.check(
    `ok handlers re-ran only when in flight at a kill (<= ${concurrency} per kill)`,
    duplicates <= totalKills * concurrency,
    `${duplicates} duplicate runs for ${totalKills} kills`,
  );
  report.figure("handler runs recorded", fmt(lines));
  report.figure(
    "duplicate runs of ok handlers",
    `${duplicates} (bound ${totalKills * concurrency}; at most ${worst} runs of one pair)`,
  );

  // A kill between a failed event's sidecar and its move to failed/ leaves the sidecar; were the
  // next placement to take `x.1.json` beside it, a retry of that file would be a new event to
  // the journal. Such renamed events are counted apart, so the check names the cause.
  const baseOf = (id) => id.replace(/(\.\d+)+$/, "");
  const renamed = (id) => !expected.has(id) && expected.has(baseOf(id));
  const orphanEffects = [];

  // Phase C: only `flaky` may run again, and only for the events made to fail.
  const retried = readRunsAfter(runs, "retry");
  const wrongRetry = retried.filter((line) => {
    const [id, handler] = line.split(" ");
    if (renamed(id)) {
      if (handler !== "flaky") orphanEffects.push(`retry of renamed ${id} ran ${handler}`);
      return false;
    }
    return handler !== "flaky" || !expected.get(id)?.fail;
  });
  const failIds = [...expected].filter(([, e]) => e.fail).map(([id]) => id);
  const notRetried = failIds.filter(
    (id) => !retried.some((l) => baseOf(l.split(" ")[0]) === id && l.includes(" flaky ")),
  );
  report.check(
    "a retry re-ran only the handler that failed",
    wrongRetry.length === 0,
    `${wrongRetry.length} other runs, e.g. ${wrongRetry.slice(0, 3).join("; ")}`,
  );
  report.check(
    "a retry re-ran the failed handler of every failed event",
    notRetried.length === 0,
    `${notRetried.length} not retried, e.g. ${notRetried.slice(0, 3).join(", ")}`,
  );

  for (const state of ["new", "cur", "tmp"]) {
    const left = root.list(state);
    report.check(`spool/${state}/ ends empty`, left.length === 0, left.slice(0, 5).join(", "));
  }
  const failFiles = new Set(
    [...expected.values()].filter((e) => e.fail).map((e) => path.basename(e.file)),
  );
  // A kill while a sidecar is written leaves its temp file behind (sidecar.ts writes `<name>.tmp-<pid>`).
  const temps = root.events("failed").filter((n) => /\.error\.json\.tmp-\d+$/.test(n));
  report.check(
    "no sidecar temp file is left in failed/ by a kill",
    temps.length === 0,
    `${temps.length} left: ${temps.slice(0, 3).join(", ")}`,
  );
  const inFailed = root.events("failed").filter((n) => !temps.includes(n));
  const placedAs = (n) => `${baseOf(n.slice(0, -".json".length))}.json`;
  for (const n of inFailed)
    if (placedAs(n) !== n) orphanEffects.push(`${placedAs(n)} placed as ${n}`);
  const unexpected = inFailed.filter((n) => !failFiles.has(placedAs(n)));
  const absent = [...failFiles].filter((n) => !inFailed.some((f) => placedAs(f) === n));
  report.check(
    "failed/ holds exactly the events made to fail",
    unexpected.length === 0 && absent.length === 0,
    `unexpected: ${unexpected.slice(0, 5).join(", ")}; absent: ${absent.slice(0, 5).join(", ")}`,
  );
  const unexplained = inFailed.filter((name) => {
    const sidecar = root.sidecar(name);
    const flaky = sidecar?.outcomes?.find((x) => x.handler === "flaky");
    return (
      !/^handler flaky failed: exit 3/.test(sidecar?.reason ?? "") ||
      flaky?.outcome !== "failed" ||
      !OK_HANDLERS.every((h) => sidecar.outcomes.some((x) => x.handler === h && x.outcome === "ok"))
    );
  });
  report.check(
    "every failed event has a sidecar naming the failed handler",
    unexplained.length === 0,
    `${unexplained.length} unexplained, e.g. ${unexplained[0]}: ${JSON.stringify(root.sidecar(unexplained[0] ?? ""))}`,
  );
  const orphans = readdirSync(root.spool("failed")).filter(
    (n) => n.endsWith(".error.json") && !inFailed.includes(n.slice(0, -".error.json".length)),
  );
  for (const n of orphans) orphanEffects.push(`orphan sidecar ${n}`);
  report.check(
    "a kill between a sidecar and its event's move leaves no orphan sidecar and keeps the name",
    orphanEffects.length === 0,
    orphanEffects.slice(0, 6).join("; "),
  );
}
