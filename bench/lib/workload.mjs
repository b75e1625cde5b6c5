import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onCleanup } from "./cleanup.mjs";
import { nowMs, sleep } from "./clock.mjs";

/** The event every workload drops: a Plesk event with its required params, so no warning is logged per event. */
export const EVENT = "client_create";

/** A fresh directory under the system temp dir, removed at the end of the run (unless `keep`). */
export function makeTempDir(label, { keep = false } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), `evh-bench-${label}-`));
  if (!keep) onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The handler every contender runs: append its argument (the event id) and
 * its start time in ns to `out`. `date` is an extra fork, but the same one for
 * every contender, so ratios stay fair.
 */
export function writeHandlerScript(dir) {
  const script = path.join(dir, "bench-handler.sh");
  const out = path.join(dir, "handler-starts.txt");
  writeFileSync(script, `#!/bin/sh\necho "$1 $(date +%s%N)" >> ${out}\n`);
  chmodSync(script, 0o755);
  writeFileSync(out, "");
  return { script, out };
}

/**
 * An evh root: evh.yaml (concurrency, plus any --evh-yaml lines), the bench handler, and `extraHandlers` files that
 * never match the event (for the matching-cost scale). Files are 0644 and
 * owned by us: a root agent refuses group- or world-writable handler files.
 */
export function makeEvhRoot({ concurrency, keep, evhYaml }, { extraHandlers = 0 } = {}) {
  const root = makeTempDir("evh", { keep });
  const { script, out } = writeHandlerScript(root);
  const handlersDir = path.join(root, "handlers.d");
  mkdirSync(handlersDir, { mode: 0o755 });
  const extra = evhYaml ? `${evhYaml}\n` : ""; // --evh-yaml: settings to try, e.g. "log: {level: warn}"
  writeFileSync(path.join(root, "evh.yaml"), `concurrency: ${concurrency}\n${extra}`, {
    mode: 0o644,
  });
  writeFileSync(
    path.join(handlersDir, "10-bench.yaml"),
    `id: bench\nevent: ${EVENT}\ncommand: ${script} <evh_event_id>\ntimeout: 60s\n`,
    { mode: 0o644 },
  );
  writeNonMatchingHandlers(handlersDir, extraHandlers);
  for (const sub of ["tmp", "new"]) mkdirSync(path.join(root, "spool", sub), { recursive: true });
  return { root, script, out, spool: path.join(root, "spool") };
}

/**
 * Handlers for other events, one file each (as `evh create` writes them).
 * Half use literal event ids (the registry looks those up in a map), half
 * globs (which every event is tested against): the glob half is what could
 * make matching cost grow with the handler count.
 */
const OTHER_EVENTS = ["domain_create", "mailname_update", "site_delete", "service_restart"];
const OTHER_GLOBS = ["domain_*", "mail*_update", "phys_hosting_*", "site_[cu]*"];

function writeNonMatchingHandlers(dir, count) {
  for (let i = 0; i < count; i++) {
    const event = i % 2 === 0 ? OTHER_EVENTS[i % 4] : `"${OTHER_GLOBS[i % 4]}"`;
    const id = `other-${String(i).padStart(5, "0")}`;
    writeFileSync(
      path.join(dir, `50-${id}.yaml`),
      `id: ${id}\nevent: ${event}\ncommand: /bin/true <evh_event_id>\n`,
      { mode: 0o644 },
    );
  }
}

/** `ev-000042`: fixed width, so name order is drop order and the id is the file name stem. */
export const eventId = (seq) => `ev-${String(seq).padStart(6, "0")}`;

function eventBody(seq) {
  return JSON.stringify({
    event: EVENT,
    params: {
      NEW_LOGIN_NAME: `user${seq}`,
      NEW_CONTACT_NAME: `Bench User ${seq}`,
      NEW_EMAIL: `user${seq}@example.com`,
    },
  });
}

/**
 * Writes `n` event files into tmp/ ahead of a burst, so the timed part is
 * only the renames into new/: the measurement is of the consumer, not of
 * how fast this process can write files.
 */
export function stageEvents(spool, n) {
  mkdirSync(path.join(spool, "tmp"), { recursive: true });
  mkdirSync(path.join(spool, "new"), { recursive: true });
  const ids = [];
  for (let seq = 1; seq <= n; seq++) {
    const id = eventId(seq);
    writeFileSync(path.join(spool, "tmp", `${id}.json`), eventBody(seq));
    ids.push(id);
  }
  return ids;
}

/** Renames staged events into new/ as fast as possible; returns the time of the first drop. */
export function dropStaged(spool, ids) {
  const first = nowMs();
  for (const id of ids) {
    renameSync(path.join(spool, "tmp", `${id}.json`), path.join(spool, "new", `${id}.json`));
  }
  return first;
}

/** A backlog: `n` events already in new/ (written the Maildir way) before any consumer starts. */
export function fillBacklog(spool, n) {
  dropStaged(spool, stageEvents(spool, n));
}

/**
 * Drops `n` events `gapMs` apart, each written to tmp/ then renamed into
 * new/ at its moment. Returns id → drop time (taken right after the rename,
 * when the file becomes visible). The schedule is absolute, so a late timer
 * does not push every later drop.
 */
export async function dropPaced(spool, n, gapMs) {
  const drops = new Map();
  const start = nowMs() + gapMs;
  for (let seq = 1; seq <= n; seq++) {
    const wait = start + (seq - 1) * gapMs - nowMs();
    if (wait > 0) await sleep(wait);
    const id = eventId(seq);
    const temp = path.join(spool, "tmp", `${id}.json`);
    writeFileSync(temp, eventBody(seq));
    renameSync(temp, path.join(spool, "new", `${id}.json`));
    drops.set(id, nowMs());
  }
  return drops;
}

/** The handler starts recorded so far: `{ id, ms }` in file order. The id loses any extension (incron passes the file name). */
export function readStarts(out) {
  const starts = [];
  for (const line of readFileSync(out, "utf8").split("\n")) {
    const [arg, ns] = line.split(" ");
    if (!ns) continue;
    starts.push({ id: arg.replace(/\.json$/, ""), ms: Number(ns) / 1e6 });
  }
  return starts;
}

function countLines(file) {
  const bytes = readFileSync(file);
  let lines = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
  return lines;
}

/** The longest any one run may take (--run-timeout); a slow build must not hold the bench for hours. */
export const limits = { runTimeoutMs: 600_000 };

/**
 * Waits until `out` has `n` lines, or no line was added for `stallMs` (a
 * contender that lost events), or the run timeout passed (a contender too
 * slow to finish: its figures then cover what it did, and the missing count
 * says so). Polls slowly: every poll takes CPU from the contender on a
 * 2-core machine, and the timings come from the file itself.
 */
export async function waitForStarts(out, n, { stallMs = 30_000, pollMs = 200 } = {}) {
  let seen = -1;
  let since = Date.now();
  const deadline = Date.now() + limits.runTimeoutMs;
  for (;;) {
    const lines = countLines(out);
    if (lines >= n || Date.now() > deadline) break;
    if (lines !== seen) {
      seen = lines;
      since = Date.now();
    } else if (Date.now() - since > stallMs) {
      break;
    }
    await sleep(pollMs);
  }
  return readStarts(out);
}

/** Throughput figures from a start list: events/s from the first drop to the last handler start. */
export function throughputOf(starts, firstDropMs, expected) {
  const last = starts.reduce((m, s) => Math.max(m, s.ms), Number.NEGATIVE_INFINITY);
  const first = starts.reduce((m, s) => Math.min(m, s.ms), Number.POSITIVE_INFINITY);
  const seconds = (last - firstDropMs) / 1000;
  return {
    events: starts.length,
    lost: expected - new Set(starts.map((s) => s.id)).size,
    seconds,
    perSecond: starts.length / seconds,
    firstStartMs: first - firstDropMs,
  };
}
