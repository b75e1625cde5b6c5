/**
 * The stage of torture:attacker: three real non-root identities, root-only
 * canaries whose every byte is hashed before and after, a marker folder that
 * only code run from a param name or a foreign file would write to, and
 * scanners that look for secrets as the other users the whole time.
 *
 * Identities. The attackers are numeric uids that are in no /etc/passwd
 * (a process may run as any uid; nothing has to be created for it). The
 * producers' group must have a name, since `producer_group:` in evh.yaml
 * names one: a temporary group is made with groupadd and removed with
 * groupdel in `close()`. `nogroup` is not used: it is the primary group of
 * `nobody`, the handlers' user, who must not be a producer. Handlers run as
 * `nobody`, a named user that every system has.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EVH_BIN, processAlive, run } from "./harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const GROUP_PREFIX = "evhatk";

/** Every secret of the run starts with this, so one substring finds any of them. */
export const SECRET_MARK = ["atk", "SECRET"].join("");

/** A fresh secret value: what no other user may ever read. */
export function secret(label) {
  return `${SECRET_MARK}-${label}-${randomBytes(4).toString("hex")}`;
}

/** Real system files whose content must not change (absence counts: /etc/ld.so.preload). */
const SYSTEM_CANARIES = ["/etc/ld.so.preload", "/etc/passwd", "/etc/shadow", "/etc/crontab"];

export class World {
  constructor(log, keep) {
    this.log = log;
    this.keep = keep;
    this.closers = [];
    this.scanners = [];
  }

  /** Makes the identities, the folders and the canaries. */
  static async create(log, keep = false) {
    const w = new World(log, keep);
    try {
      w.setUp();
    } catch (error) {
      await w.close();
      throw error;
    }
    return w;
  }

  setUp() {
    removeStaleGroups();
    const used = new Set(
      readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .map((l) => Number(l.split(":")[2])),
    );
    const free = [];
    for (let uid = 47_100; free.length < 3; uid++) if (!used.has(uid)) free.push(uid);
    this.group = `${GROUP_PREFIX}${process.pid}`;
    execFileSync("groupadd", [this.group], { stdio: "ignore" });
    this.closers.push(() => execFileSync("groupdel", [this.group], { stdio: "ignore" }));
    const gid = Number(
      execFileSync("getent", ["group", this.group], { encoding: "utf8" }).split(":")[2],
    );
    const nobody = execFileSync("getent", ["passwd", "nobody"], { encoding: "utf8" }).split(":");
    this.ids = {
      producer: { name: "producer", uid: free[0], gid },
      producer2: { name: "second producer", uid: free[1], gid },
      local: { name: "local user", uid: free[2], gid: free[2] },
      nobody: { name: "nobody", uid: Number(nobody[2]), gid: Number(nobody[3]) },
      admin: { name: "administrator", uid: 0, gid: 0 },
    };

    // Root-owned, 0755: the attackers run scripts from here, and only root writes here.
    this.dir = mkdtempSync(path.join(tmpdir(), "evh-atk-"));
    chmodSync(this.dir, 0o755);
    this.closers.push(() => {
      if (this.keep) this.log(`kept: ${this.dir}`);
      else rmSync(this.dir, { recursive: true, force: true });
    });
    this.markers = this.mkdir("markers", 0o755);
    this.tools = this.mkdir("tools", 0o755);
    for (const script of ["attacker-scan.mjs"]) {
      copyFileSync(path.join(HERE, script), path.join(this.tools, script));
      chmodSync(path.join(this.tools, script), 0o644);
    }
    // The handler's user's own places: its programs, its cwd, its home.
    this.nobodyDir = this.mkdir("nobody", 0o755, this.ids.nobody);
    // The unrelated local user's directory, where the administrator may cd.
    this.localDir = this.mkdir("local", 0o755, this.ids.local);

    // Root-only canaries: 0700, hashed before and after, nothing in them may change.
    this.canary = mkdtempSync(path.join(tmpdir(), "evh-atk-canary-"));
    chmodSync(this.canary, 0o700);
    this.closers.push(() => rmSync(this.canary, { recursive: true, force: true }));
    this.canarySecret = secret("root-file");
    writeFileSync(this.canaryPath("ld.so.preload"), "# canary: nobody may write here\n");
    writeFileSync(
      this.canaryPath("secret.json"),
      JSON.stringify({ event: "t_leak", params: { NEW_PASSWORD: this.canarySecret } }),
      { mode: 0o600 },
    );
    mkdirSync(this.canaryPath("inner"), { mode: 0o755 });
    chmodSync(this.canaryPath("inner"), 0o755);
    this.innerSecret = secret("inner");
    writeFileSync(this.canaryPath("inner", "secret.txt"), `${this.innerSecret}\n`, { mode: 0o644 });
    writeFileSync(this.canaryPath("victim.json"), JSON.stringify({ event: "t_ok", params: {} }), {
      mode: 0o600,
    });
    writeFileSync(
      this.canaryPath("victim.json.error.json"),
      JSON.stringify({ reason: `${this.canarySecret} in a reason`, detail: "", at: "" }),
      { mode: 0o600 },
    );
    this.before = this.snapshot();
  }

  /** A root-owned evh root with no agent (handlers.d/ and evh.yaml only). */
  quietRoot() {
    const dir = mkdtempSync(path.join(this.dir, "quiet-"));
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, "handlers.d"), { mode: 0o755 });
    writeFileSync(path.join(dir, "evh.yaml"), "concurrency: 1\n", { mode: 0o644 });
    return dir;
  }

  /** A root-only file (0600 in a 0700 folder), e.g. an event the administrator prepared. */
  privateFile(name, text) {
    const dir = path.join(this.dir, "private");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, name), text, { mode: 0o600 });
    return path.join(dir, name);
  }

  mkdir(name, mode, owner = undefined) {
    const dir = path.join(this.dir, name);
    mkdirSync(dir, { mode });
    chmodSync(dir, mode);
    if (owner) chownSync(dir, owner.uid, owner.gid);
    return dir;
  }

  canaryPath(...parts) {
    return path.join(this.canary, ...parts);
  }

  /** Every name in the canary folder (links not followed) and the system canaries, with a hash each. */
  snapshot() {
    const out = {};
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        const st = lstatSync(file);
        out[file] = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${hashOf(file, st)}`;
        if (st.isDirectory()) walk(file);
      }
    };
    walk(this.canary);
    for (const file of SYSTEM_CANARIES) {
      const st = lstatOrUndefined(file);
      out[file] = st ? `${st.mode.toString(8)} ${hashOf(file, st)}` : "absent";
    }
    return out;
  }

  /** Canary names that changed, appeared or disappeared since the start. */
  changedCanaries() {
    const now = this.snapshot();
    const keys = new Set([...Object.keys(this.before), ...Object.keys(now)]);
    return [...keys].filter((k) => this.before[k] !== now[k]);
  }

  /**
   * After an attack that changed a canary or left markers: a real
   * /etc/ld.so.preload is removed at once (every later process would load
   * it), the markers are cleared, and later attacks are judged on their own.
   */
  resetCanaries() {
    if (this.before["/etc/ld.so.preload"] === "absent")
      rmSync("/etc/ld.so.preload", { force: true });
    for (const n of readdirSync(this.markers)) rmSync(path.join(this.markers, n), { force: true });
    this.before = this.snapshot();
  }

  /** Files in the marker folder: each is code that ran where none should have. */
  markersFound() {
    return readdirSync(this.markers).map((n) => {
      const text = readFileSync(path.join(this.markers, n), "utf8").trim();
      return `${n}${text ? ` (uid ${text})` : ""}`;
    });
  }

  /** A shell command that leaves a marker named `name` holding the uid it ran as. */
  markerCommand(name) {
    return `id -u > ${path.join(this.markers, name)}`;
  }

  /**
   * Runs a program as one of the identities, to completion or `timeoutMs`
   * (then SIGKILL): {code, signal, stdout, stderr, timedOut, ms}.
   */
  async runAs(who, file, args = [], options = {}) {
    const id = this.ids[who];
    try {
      return await run(file, args, {
        uid: id.uid,
        gid: id.gid,
        cwd: options.cwd ?? "/",
        env: { PATH: "/usr/local/bin:/usr/bin:/bin", LANG: "C.UTF-8", ...options.env },
        cleanEnv: true,
        input: options.input,
        signal: options.signal,
        timeoutMs: options.timeoutMs ?? 15_000,
      });
    } catch (error) {
      // Could not start (no such program, or not executable by that user): a result like any other.
      return { code: -1, signal: null, stdout: "", stderr: String(error), timedOut: false, ms: 0 };
    }
  }

  /**
   * The administrator's `bin/evh ARGS`, with a clean environment (no $EVH_ROOT) in `cwd`.
   * A RUNTIME_DIRECTORY of the test run is kept: `evh test --exec` as root would otherwise
   * make /run/evh for its params files and leave it behind.
   */
  evh(args, options = {}) {
    const runtime = process.env.RUNTIME_DIRECTORY;
    return this.runAs("admin", EVH_BIN, args, {
      ...options,
      env: { NO_COLOR: "1", ...(runtime ? { RUNTIME_DIRECTORY: runtime } : {}), ...options.env },
    });
  }

  /** `sh -c SCRIPT` as `who`. */
  shAs(who, script, options = {}) {
    return this.runAs(who, "/bin/sh", ["-c", script], options);
  }

  /** Whether `who` can open `file` for reading (without blocking on a FIFO). */
  async canRead(who, file) {
    const r = await this.runAs(who, process.execPath, [
      "-e",
      `const fs=require("fs");try{const fd=fs.openSync(process.argv[1],fs.constants.O_RDONLY|fs.constants.O_NONBLOCK);fs.readSync(fd,Buffer.alloc(16));console.log("read")}catch(e){console.log(e.code)}`,
      file,
    ]);
    return r.stdout.trim() === "read";
  }

  /**
   * Starts a scanner as `who`: it reads, again and again until stopped,
   * every file it can under `dirs` and every /proc/<pid>/cmdline and
   * environ, and reports where it found a secret of this run.
   */
  startScanner(who, dirs) {
    const id = this.ids[who];
    const child = spawn(
      process.execPath,
      [path.join(this.tools, "attacker-scan.mjs"), SECRET_MARK, ...dirs],
      {
        uid: id.uid,
        gid: id.gid,
        cwd: "/",
        env: { PATH: "/usr/bin:/bin" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const scanner = { who, child, found: new Set(), sweeps: 0, errors: "" };
    let buffer = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      buffer += d;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("sweep ")) scanner.sweeps = Number(line.slice(6));
        else if (line) scanner.found.add(line);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      scanner.errors = (scanner.errors + d).slice(-2000);
    });
    scanner.exited = new Promise((resolve) => child.on("close", resolve));
    this.scanners.push(scanner);
    return scanner;
  }

  async stopScanners() {
    for (const s of this.scanners) s.child.kill("SIGTERM");
    await Promise.all(this.scanners.map((s) => s.exited));
  }

  /** Processes left running by a uid (handlers' escaped children, attackers' loops). */
  processesOf(uid) {
    const out = [];
    for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        const m = /^Uid:\s+(\d+)/m.exec(status);
        if (m && Number(m[1]) === uid && processAlive(Number(pid))) {
          out.push({
            pid: Number(pid),
            cmd: readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ").trim(),
          });
        }
      } catch {
        // gone meanwhile
      }
    }
    return out;
  }

  /** Kills what the attackers' uids left running, removes the folders and the group. */
  async close() {
    await this.stopScanners();
    for (const id of Object.values(this.ids ?? {})) {
      if (id.uid === 0) continue;
      for (const p of this.processesOf(id.uid)) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    for (const close of this.closers.reverse()) {
      try {
        close();
      } catch (error) {
        this.log(`cleanup: ${error instanceof Error ? error.message : error}`);
      }
    }
  }
}

function hashOf(file, st) {
  if (st.isSymbolicLink()) return `link ${readlinkSafe(file)}`;
  if (!st.isFile()) return st.isDirectory() ? "dir" : "special";
  return createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 16);
}

function readlinkSafe(file) {
  try {
    return readlinkSync(file);
  } catch {
    return "?";
  }
}

function lstatOrUndefined(file) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Groups left by a run that was killed before its cleanup (its pid is gone). */
function removeStaleGroups() {
  if (!existsSync("/etc/group")) return;
  for (const line of readFileSync("/etc/group", "utf8").split("\n")) {
    const m = new RegExp(`^(${GROUP_PREFIX}(\\d+)):`).exec(line);
    if (m && !processAlive(Number(m[2]))) {
      try {
        execFileSync("groupdel", [m[1]], { stdio: "ignore" });
      } catch {
        // another run's, or already gone
      }
    }
  }
}
