/**
 * torture:bad-handlers — a broken handler file is reported where it is
 * broken, and takes nothing else down.
 *
 * 1. validate: every case as its own file in one handlers.d/, next to a
 *    good file; `evh validate` must name each file and line with the
 *    expected message, one `<file>:<line>: error: <message>` a line.
 * 2. cold start: the agent starts on that same directory, logs the same
 *    located errors, and the good handler runs events.
 * 3. reload: a running agent has a good `30-reloaded.yaml`; each case
 *    overwrites it in turn. The error is logged with its line, the last
 *    good version stays active, and a good handler in another file keeps
 *    running events.
 * 4. across files: duplicate ids (before and after the good file in load
 *    order) and a handlers.d/ that others can write.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildBadHandlerCorpus } from "./bad-handlers-corpus.mjs";
import {
  FIXTURES,
  fmt,
  handlerYaml,
  isRoot,
  makeRoot,
  Report,
  runEvh,
  startAgent,
  until,
} from "./harness.mjs";

export const BAD_HANDLERS_DEFAULTS = {
  /** Overwrite the live file with every n-th case only in the reload phase (1 = all). */
  every: 1,
  /** Print every case's diagnostics (to write expectations). */
  discover: false,
  keep: false,
  log: () => undefined,
};

const RECORD = path.join(FIXTURES, "record-run.sh");
/** How long one reload may take before the agent counts as stalled. */
const RELOAD_MS = 20_000;
/** A reload that blocks the agent longer than this is a violation (a 1 MiB file takes seconds to parse). */
const STALL_MS = 15_000;

export async function runBadHandlers(options = {}) {
  const o = { ...BAD_HANDLERS_DEFAULTS, ...options };
  const report = new Report("bad-handlers");
  const root = makeRoot();
  const runs = root.path("runs.log");
  const scratch = root.path("scratch");
  mkdirSync(scratch, { mode: 0o755 });
  const corpus = buildBadHandlerCorpus({ record: RECORD, runs, scratch }).filter(
    (c) => isRoot || !c.rootOnly,
  );
  if (!isRoot) report.note("not root: the ownership cases were skipped");
  let agent;
  try {
    root.writeHandler(
      "50-good.yaml",
      handlerYaml({ id: "good", event: "*", command: [RECORD, runs, "0"] }),
    );
    for (const [n, c] of corpus.entries()) writeCase(root, fileOf(n), c, n);
    o.log(`validate: ${corpus.length} files`);
    await validatePhase(report, root, corpus, o);

    o.log("cold start");
    const started = Date.now();
    agent = await startAgent(root, { readyTimeoutMs: 600_000 });
    report.figure("cold start with every broken file", `${Date.now() - started} ms`);
    const coldLog = root.logLines();
    const missing = corpus.filter((c, n) => !locatedLogError(coldLog, fileOf(n), c));
    report.check(
      "the agent logs every broken file's located error at start",
      missing.length === 0,
      missing.map((c) => c.id).join("; "),
    );
    report.check(
      "the good handler runs with every broken file present",
      await eventRuns(root, runs, ["good"]),
    );
    await agent.stop();
    for (let n = 0; n < corpus.length; n++)
      rmSync(root.path("handlers.d", fileOf(n)), { force: true });

    o.log("reload");
    root.writeHandler(
      "30-reloaded.yaml",
      handlerYaml({ id: "reloaded", event: "*", command: [RECORD, runs, "0"] }),
    );
    rmSync(root.logFile, { force: true });
    agent = await startAgent(root);
    await reloadPhase(
      report,
      root,
      runs,
      agent,
      corpus.filter((_, i) => i % o.every === 0),
      o,
    );
    o.log("across files");
    await acrossFiles(report, root, runs, agent);
    report.figure("agent peak RSS", `${Math.round((agent.peakRssKiB() ?? 0) / 1024)} MiB`);
    report.check("the agent never exited", agent.alive, JSON.stringify(agent.exitInfo));
    const stopped = await agent.stop();
    report.check("the agent stops cleanly (exit 0)", stopped.code === 0, JSON.stringify(stopped));
    report.figure("cases", `${fmt(corpus.length)} broken files`);
    return report;
  } finally {
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`root kept: ${root.dir}`);
  }
}

const fileOf = (n) => `${String(n).padStart(3, "0")}-case.yaml`;

/** Writes a case as handlers.d/<name>, with ids made unique per file. */
function writeCase(root, name, c, n) {
  const content =
    typeof c.text === "string"
      ? c.text.replace(/\bid: case\b/g, `id: case-${n}`)
      : (c.bytes ?? c.text);
  root.writeHandler(name, content);
  c.setup?.(root.path("handlers.d", name));
}

async function validatePhase(report, root, corpus, o) {
  const probe = await runEvh(["validate", "--help"]);
  if (probe.code !== 0) {
    report.note("`evh validate` is not available: the validate phase was skipped");
    return;
  }
  const started = Date.now();
  const json = await runEvh(["validate", "--root", root.dir, "--json"], { timeoutMs: 600_000 });
  report.figure("evh validate on every broken file", `${Date.now() - started} ms`);
  report.check(
    "evh validate exits 1 on errors",
    json.code === 1,
    `exit ${json.code}: ${json.stderr.slice(0, 300)}`,
  );
  let diagnostics = [];
  try {
    diagnostics = JSON.parse(json.stdout);
  } catch {
    report.check("evh validate --json prints JSON", false, json.stdout.slice(0, 300));
  }
  const wrong = [];
  corpus.forEach((c, n) => {
    const mine = diagnostics.filter((d) => path.basename(d.file) === fileOf(n));
    const hit = mine.find(
      (d) => d.severity === "error" && d.line === c.line && c.expect.test(d.message),
    );
    if (o.discover)
      o.log(
        `${c.id} (line ${c.line}): ${JSON.stringify(mine.map((d) => `${d.line}: ${d.severity}: ${d.message}`))}`,
      );
    if (!hit) {
      const got = mine
        .map((d) => `${d.line}: ${d.severity}: ${d.message.slice(0, 160)}`)
        .join(" | ");
      wrong.push(
        `${c.id}: expected error at line ${c.line} matching ${c.expect}, got ${got || "nothing"}`,
      );
    }
  });
  report.check(
    "evh validate names the file and line of every broken file, with the expected message",
    wrong.length === 0,
    `${wrong.length} wrong:\n    ${wrong.join("\n    ")}`,
  );
  const good = diagnostics.filter((d) => path.basename(d.file) === "50-good.yaml");
  report.check("the good file has no diagnostic", good.length === 0, JSON.stringify(good));
  const text = await runEvh(["validate", "--root", root.dir], { timeoutMs: 600_000 });
  const badLines = text.stdout
    .split("\n")
    .filter((l) => l && !/^[^\s:][^:]*:\d+: (error|warning): \S/.test(l));
  report.check(
    "every line of evh validate is <file>:<line>: error|warning: <message>",
    badLines.length === 0,
    badLines.slice(0, 3).join(" | "),
  );
}

/** The log line `handlers.d/<file>:<line>: <message>` at level error, if any. */
function locatedLogError(lines, file, c) {
  const prefix = `handlers.d/${file}:${c.line}: `;
  return lines.find(
    (l) =>
      l.level === "error" &&
      l.message.startsWith(prefix) &&
      c.expect.test(l.message.slice(prefix.length)),
  );
}

/** Emits an event and waits until every handler id in `ids` recorded a run for it. */
async function eventRuns(root, runs, ids, timeoutMs = 15_000) {
  const name = root.emit({ event: "client_create", params: { NEW_LOGIN_NAME: "x" } });
  const eventId = name.slice(0, -".json".length);
  const ok = await until(() => {
    const text = `\n${readText(runs)}`;
    return ids.every((id) => text.includes(`\n${eventId} ${id} `));
  }, timeoutMs);
  return ok === true;
}

function readText(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Waits for the next "handlers reloaded" log line after `count` of them; SIGHUP if the watcher missed it. */
async function nextReload(root, agent, count) {
  const reloads = () => root.logLines().filter((l) => /^handlers reloaded/.test(l.message));
  const seen = await until(() => reloads().length > count, 10_000, 50);
  if (seen) return { line: reloads()[count], watched: true };
  agent.signal("SIGHUP");
  const late = await until(() => reloads().length > count, RELOAD_MS, 50);
  return { line: late ? reloads()[count] : undefined, watched: false };
}

async function reloadPhase(report, root, runs, agent, corpus, o) {
  let reloads = 0;
  const wrong = [];
  const slow = [];
  let slowest = { ms: 0, id: "" };
  let errorsBefore = 0;
  for (const [i, c] of corpus.entries()) {
    if (i % 20 === 0) o.log(`reload ${i + 1}/${corpus.length}`);
    const started = Date.now();
    writeCase(root, "30-reloaded.yaml", c, 0);
    const { line, watched } = await nextReload(root, agent, reloads);
    if (!line) {
      wrong.push(
        `${c.id}: no reload within ${RELOAD_MS} ms (agent ${agent.alive ? "stalled" : "exited"})`,
      );
      break;
    }
    reloads++;
    const took = Date.now() - started;
    if (took > slowest.ms) slowest = { ms: took, id: c.id };
    if (took > STALL_MS) slow.push(`${c.id}: ${took} ms`);
    const problems = [];
    const errors = root
      .logLines()
      .filter((l) => l.level === "error" && l.message.startsWith("handlers.d/30-reloaded.yaml:"));
    if (errors.length - errorsBefore > 12)
      problems.push(`${errors.length - errorsBefore} error lines logged for one file`);
    errorsBefore = errors.length;
    if (!watched) problems.push("the watcher missed the change (SIGHUP needed)");
    if (!locatedLogError(root.logLines(), "30-reloaded.yaml", c))
      problems.push(`no located error at line ${c.line}`);
    if (!/last good version kept for handlers\.d\/30-reloaded\.yaml/.test(line.message)) {
      problems.push(`last good version not kept: "${line.message}"`);
    }
    if (!(await eventRuns(root, runs, ["good", "reloaded"])))
      problems.push("good or reloaded handler did not run an event");
    if (problems.length > 0) wrong.push(`${c.id}: ${problems.join("; ")}`);
    // Back to the good version, so the next case starts from the same last good state.
    root.writeHandler(
      "30-reloaded.yaml",
      handlerYaml({ id: "reloaded", event: "*", command: [RECORD, runs, "0"] }),
    );
    const back = await nextReload(root, agent, reloads);
    if (back.line) reloads++;
  }
  report.check(
    "a broken reload is logged with its line, keeps the last good version, and both files' handlers keep running",
    wrong.length === 0,
    `${wrong.length} wrong:\n    ${wrong.join("\n    ")}`,
  );
  report.check(
    `no reload blocks the agent for more than ${STALL_MS / 1000} s`,
    slow.length === 0,
    slow.join("; "),
  );
  report.figure("reloads of broken versions", corpus.length);
  // The largest file the bounds allow: 1,000 handlers. Its reload time is a figure, not a check.
  const many = Array.from({ length: 1000 }, (_, i) =>
    handlerYaml({ id: `many-${i}`, event: "service_restart", command: [RECORD, runs, "0"] }),
  ).join("---\n");
  const started = Date.now();
  root.writeHandler("70-many.yaml", many);
  const loaded = await nextReload(root, agent, reloads);
  report.figure(
    "reload of a file with 1,000 handlers",
    loaded.line ? `${Date.now() - started} ms` : "not seen",
  );
  if (loaded.line) reloads++;
  root.removeHandler("70-many.yaml");
  if ((await nextReload(root, agent, reloads)).line) reloads++;
  report.figure("slowest reload", `${slowest.ms} ms (${slowest.id})`);
}

async function acrossFiles(report, root, runs, agent) {
  const dupRuns = root.path("runs-dup.log");
  const reloads = () => root.logLines().filter((l) => /^handlers reloaded/.test(l.message)).length;
  // After the good file in load order: the newcomer is refused.
  let count = reloads();
  root.writeHandler(
    "60-dup.yaml",
    handlerYaml({ id: "good", event: "*", command: [RECORD, dupRuns, "0"] }),
  );
  await nextReload(root, agent, count);
  const after = root
    .logLines()
    .some(
      (l) =>
        l.level === "error" &&
        /^handlers\.d\/60-dup\.yaml:1: duplicate handler id "good"/.test(l.message),
    );
  report.check("a duplicate id in a later file is refused there, with its line", after);
  report.check(
    "the good handler keeps running when a later file reuses its id",
    (await eventRuns(root, runs, ["good"])) && readText(dupRuns) === "",
    `runs of the duplicate: ${readText(dupRuns).split("\n").filter(Boolean).length}`,
  );
  count = reloads();
  root.removeHandler("60-dup.yaml");
  await nextReload(root, agent, count);

  // Before the good file in load order: still must not take the good handler down.
  count = reloads();
  root.writeHandler(
    "40-dup.yaml",
    handlerYaml({ id: "good", event: "*", command: [RECORD, dupRuns, "0"] }),
  );
  await nextReload(root, agent, count);
  const before = root
    .logLines()
    .some(
      (l) =>
        l.level === "error" &&
        /duplicate handler id "good"/.test(l.message) &&
        /40-dup/.test(l.message),
    );
  const goodRan = await eventRuns(root, runs, ["good"]);
  const dupRan = readText(dupRuns) !== "";
  report.check(
    "an earlier file that reuses a loaded id is refused, and the good handler keeps running",
    before && goodRan && !dupRan,
    `error on 40-dup: ${before}; good ran: ${goodRan}; duplicate ran: ${dupRan}`,
  );
  count = reloads();
  root.removeHandler("40-dup.yaml");
  await nextReload(root, agent, count);
  writeFileSync(dupRuns, "");

  // handlers.d/ writable by others: as root every file is refused, and the last good versions stay.
  if (isRoot) {
    count = reloads();
    chmodSync(root.path("handlers.d"), 0o777);
    agent.signal("SIGHUP");
    await nextReload(root, agent, count);
    const refused = root
      .logLines()
      .some(
        (l) =>
          l.level === "error" &&
          /writable by group or others/.test(l.message) &&
          /handlers\.d\/50-good\.yaml/.test(l.message),
      );
    report.check("a handlers.d/ that others can write is refused, file by file", refused);
    report.check(
      "its files keep their last good versions",
      await eventRuns(root, runs, ["good", "reloaded"]),
    );
    chmodSync(root.path("handlers.d"), 0o755);
  }
}
