/**
 * What every torture script shares: a throwaway evh root, the real agent
 * (`bin/evh run`) as a child process that can be killed at any moment, a
 * Maildir-style producer, polling with deadlines, and the report that
 * collects checks and figures.
 */
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { REPO } from "./evh.mjs";

// Driving bin/evh and waiting: one set for the torture scripts and the vitest helpers.
export {
  AgentProcess,
  EVH_BIN,
  REPO,
  run,
  runEvh,
  sleep,
  startAgent,
  TEST_ENV,
  until,
  waitFor,
} from "./evh.mjs";

export const FIXTURES = path.join(REPO, "torture", "fixtures");
export const isRoot = process.getuid?.() === 0;

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with `--seed`. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

/**
 * Checks and figures of one torture run. A check that fails is a violated
 * guarantee; the script exits 1 when there is any.
 */
export class Report {
  constructor(name) {
    this.name = name;
    this.checks = [];
    this.figures = {};
    this.notes = [];
    this.startedAt = Date.now();
  }

  /**
   * Records a guarantee check; `detail` says what was seen (shown on
   * failure). `known` names an entry of KNOWN_DEFECTS this check reproduces:
   * it still counts as a violation, but not as an unexpected one.
   */
  check(name, ok, detail = "", known = undefined) {
    this.checks.push({ name, ok: Boolean(ok), detail: String(detail), known });
    return Boolean(ok);
  }

  /** A case tagged with a known defect passed: the defect is fixed, and the tag must go. */
  fixed(defect, what) {
    this.checks.push({
      name: `known defect ${defect} no longer reproduces (${what}): remove its tag`,
      ok: false,
      detail: "",
      known: undefined,
    });
  }

  figure(key, value) {
    this.figures[key] = value;
  }

  /** Something observed that is documented behaviour, not a violation (a limit, a skipped part). */
  note(text) {
    this.notes.push(text);
  }

  get violations() {
    return this.checks.filter((c) => !c.ok);
  }

  /** Violations that are not a known, reported defect: what CI fails on. */
  get unexpected() {
    return this.violations.filter((c) => c.known === undefined);
  }

  /** The summary people read: figures, then every check, then notes. */
  format() {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const lines = [`== torture:${this.name} (${seconds} s)`];
    for (const [key, value] of Object.entries(this.figures)) lines.push(`  ${key}: ${value}`);
    const failed = this.violations.length;
    const known = failed - this.unexpected.length;
    lines.push(
      `  checks: ${this.checks.length - failed} passed, ${failed} failed${known ? ` (${known} known defects)` : ""}`,
    );
    for (const c of this.checks) {
      if (c.ok) continue;
      const tag = c.known ? `KNOWN ${c.known}` : "FAIL";
      lines.push(`  ${tag} ${c.name}${c.detail ? `: ${c.detail}` : ""}`);
    }
    for (const n of this.notes) lines.push(`  note: ${n}`);
    return lines.join("\n");
  }
}

/**
 * A throwaway evh root: handlers.d/, spool/tmp/ and spool/new/ (the agent
 * makes the rest), 0755 so handlers running as `nobody` reach fixtures.
 */
export function makeRoot(options = {}) {
  const dir = options.dir ?? mkdtempSync(path.join(options.parent ?? tmpdir(), "evh-torture-"));
  chmodSync(dir, 0o755);
  for (const sub of ["handlers.d", "spool/tmp", "spool/new"]) {
    mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 });
  }
  const root = new Root(dir);
  if (options.config) root.writeConfig(options.config);
  for (const [name, text] of Object.entries(options.handlers ?? {})) root.writeHandler(name, text);
  return root;
}

export class Root {
  constructor(dir) {
    this.dir = dir;
    this.seq = 0;
  }

  path(...parts) {
    return path.join(this.dir, ...parts);
  }

  spool(state, name = "") {
    return path.join(this.dir, "spool", state, name);
  }

  get logFile() {
    return this.path("var", "log", "evh.log");
  }

  /** evh.yaml from a flat object of scalar keys (and `log:` as a nested map). */
  writeConfig(config) {
    const text = Object.entries(config)
      .map(([k, v]) =>
        typeof v === "object" && !Array.isArray(v)
          ? `${k}:\n${Object.entries(v)
              .map(([k2, v2]) => `  ${k2}: ${JSON.stringify(v2)}`)
              .join("\n")}`
          : `${k}: ${JSON.stringify(v)}`,
      )
      .join("\n");
    writeFileSync(this.path("evh.yaml"), `${text}\n`);
  }

  /**
   * Writes a handler file atomically (temp name, then rename), as `evh
   * create` and careful editors do; mode 0644, owned by whoever runs this.
   */
  writeHandler(name, text, mode = 0o644) {
    const file = this.path("handlers.d", name);
    const temp = this.path("handlers.d", `.${name}.tmp`);
    writeFileSync(temp, text, { mode });
    chmodSync(temp, mode);
    renameSync(temp, file);
    return file;
  }

  /**
   * A copy of torture/fixtures/NAME in the root's fixtures/ (0755), for a
   * handler that runs as another user: the checkout may sit under a 0700
   * directory (`/root`) that `nobody` cannot enter; the root is 0755.
   */
  fixture(name) {
    const file = this.path("fixtures", name);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
    copyFileSync(path.join(FIXTURES, name), file);
    chmodSync(file, 0o755);
    return file;
  }

  removeHandler(name) {
    rmSync(this.path("handlers.d", name), { force: true, recursive: true });
  }

  /**
   * The reference producer: the whole file under spool/tmp/, then rename(2)
   * into spool/new/. `content` is an event object (written as JSON) or raw
   * bytes/text. Returns the file name.
   */
  emit(content, name) {
    this.seq++;
    const fileName = name ?? `${String(this.seq).padStart(6, "0")}-t.json`;
    const bytes =
      typeof content === "string" || content instanceof Uint8Array
        ? content
        : JSON.stringify(content);
    const temp = this.spool("tmp", fileName);
    writeFileSync(temp, bytes);
    renameSync(temp, this.spool("new", fileName));
    return fileName;
  }

  /** Names in a spool folder (none if it does not exist). */
  list(state) {
    try {
      return readdirSync(this.spool(state));
    } catch {
      return [];
    }
  }

  /** Event files (not sidecars, not hidden) in a spool folder. */
  events(state) {
    return this.list(state).filter((n) => !n.endsWith(".error.json") && !n.startsWith("."));
  }

  /** The sidecar of a failed event, parsed, or undefined. */
  sidecar(name) {
    try {
      return JSON.parse(readFileSync(this.spool("failed", `${name}.error.json`), "utf8"));
    } catch {
      return undefined;
    }
  }

  /** The JSON lines of var/log/evh.log (a torn last line is skipped). */
  logLines() {
    let text;
    try {
      text = readFileSync(this.logFile, "utf8");
    } catch {
      return [];
    }
    const out = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        out.push({ level: "unparsable", message: line });
      }
    }
    return out;
  }

  exists(...parts) {
    return existsSync(this.path(...parts));
  }

  kind(file) {
    try {
      return lstatSync(file);
    } catch {
      return undefined;
    }
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a pid is a live (non-zombie) process: PID 1 here does not reap orphans. */
export function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/**
 * Runs lines appended by handlers (`<event id> <handler id> <attempt>`, see
 * fixtures/record-run.sh) as counts per `event handler` pair.
 */
export function readRuns(file) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { counts: new Map(), lines: 0 };
  }
  const counts = new Map();
  let lines = 0;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    lines++;
    const [event, handler] = line.split(" ");
    const key = `${event} ${handler}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { counts, lines };
}

/** Counts the record lines of `file` after the marker line `# <marker>`. */
export function readRunsAfter(file, marker) {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const at = text.indexOf(`# ${marker}\n`);
  return at < 0 ? [] : text.slice(at).split("\n").slice(1).filter(Boolean);
}

/** YAML for one handler document, from a plain object (JSON is valid flow YAML). */
export function handlerYaml(doc) {
  return `${Object.entries(doc)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join("\n")}\n`;
}

/** `n` with thousands separators, for summaries. */
export function fmt(n) {
  return Number(n).toLocaleString("en-US");
}
