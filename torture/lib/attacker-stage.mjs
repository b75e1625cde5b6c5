/**
 * The system under attack in torture:attacker: one evh root with its
 * handlers (root-owned, 0600), `producer_group` set to the producers' group,
 * and the real agent; plus what the attacks share: delivering a file as the
 * producer, waiting for an event to leave the spool, the record of runs.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { ENV_TOKEN, envPayloadFiles } from "./attacker-env-names.mjs";
import { FIXTURES, handlerYaml, makeRoot, REPO, startAgent, until } from "./harness.mjs";

const RECORD = path.join(FIXTURES, "record-run.sh");
const DUMP_ENV = path.join(REPO, "test", "fixtures", "scripts", "dump-env.sh");

/** Interpreters a root handler runs with the hostile params (finding 2); missing ones are skipped. */
const INTERPRETERS = [
  ["python3", ["/usr/bin/python3", "-c", "pass"]],
  ["perl", ["/usr/bin/perl", "-e", "1"]],
  ["bash", ["/bin/bash", "-c", "true"]],
  ["sh", ["/bin/sh", "-c", "true"]],
  ["node", [process.execPath, "-e", "0"]],
  ["git", ["/usr/bin/git", "ls-remote", "ssh://evh-attacker.invalid/x"]],
  ["curl", ["/usr/bin/curl", "-s", "-o", "/dev/null", "file:///dev/null"]],
  ["openssl", ["/usr/bin/openssl", "version"]],
];

export class Stage {
  static async create(world, report, options) {
    const s = new Stage(world, report, options);
    await s.setUp();
    return s;
  }

  constructor(world, report, options) {
    this.w = world;
    this.report = report;
    this.o = options;
    this.restarts = 0;
    this.seq = 0;
  }

  async setUp() {
    const w = this.w;
    this.root = makeRoot({ parent: w.dir });
    // The agent makes the spool; what the test made first would hide wrong modes.
    for (const sub of ["spool/tmp", "spool/new", "spool"]) chmodSync(this.root.path(sub), 0o755);
    await import("node:fs").then((fs) => fs.rmSync(this.root.path("spool"), { recursive: true }));
    this.runs = path.join(w.dir, "runs.log");
    writeFileSync(this.runs, "", { mode: 0o644 });
    this.envOut = path.join(w.dir, "env.out");
    this.payloads = path.join(w.dir, `payloads-${ENV_TOKEN}`);
    mkdirSync(this.payloads, { mode: 0o755 });
    for (const [name, text] of Object.entries(envPayloadFiles((n) => w.markerCommand(n)))) {
      writeFileSync(path.join(this.payloads, name), text, { mode: 0o644 });
    }
    this.interpreters = INTERPRETERS.filter(([, argv]) => existsSync(argv[0]));
    this.nobodyFiles();
    this.root.writeHandler(
      "10-attacker.yaml",
      this.handlerDocs().map(handlerYaml).join("---\n"),
      0o600,
    );
    this.config = {
      producer_group: w.group,
      concurrency: 2,
      settle_delay: "200ms",
      rescan_interval: "500ms",
    };
    this.root.writeConfig(this.config);
    this.agent = await startAgent(this.root, { waitReady: false });
    try {
      await this.agent.ready(20_000);
      this.report.check("S1 the agent starts with producer_group in evh.yaml", true);
    } catch (error) {
      this.report.check(
        "S1 the agent starts with producer_group in evh.yaml",
        false,
        this.agent.output().trim().split("\n").at(-1) ?? String(error),
      );
      // Without the key the rest can still run; the spool is then set up the documented way by hand.
      const { producer_group: _, ...rest } = this.config;
      this.config = rest;
      this.root.writeConfig(rest);
      this.agent = await startAgent(this.root);
    }
    this.checkModes();
  }

  /** SPEC §2/§4 modes as the agent made them; then set up by hand if not, so the producer attacks still run. */
  checkModes() {
    const w = this.w;
    const wrong = [];
    const mode = (p) => statSync(p).mode & 0o7777;
    for (const sub of ["tmp", "new"]) {
      const p = this.root.spool(sub);
      const st = statSync(p);
      if (mode(p) !== 0o1730 || st.uid !== 0 || st.gid !== w.ids.producer.gid)
        wrong.push(`${sub}/ ${mode(p).toString(8)} ${st.uid}:${st.gid}`);
    }
    for (const p of [this.root.spool("cur"), this.root.spool("failed"), this.root.path("var")]) {
      if (existsSync(p) && mode(p) !== 0o700)
        wrong.push(`${path.basename(p)}/ ${mode(p).toString(8)}`);
    }
    this.report.check(
      "S2 the agent makes tmp/ and new/ 1730 root:producer_group, cur/, failed/ and var/ 0700",
      wrong.length === 0,
      wrong.join(", "),
    );
    for (const sub of ["tmp", "new"]) {
      chownSync(this.root.spool(sub), 0, w.ids.producer.gid);
      chmodSync(this.root.spool(sub), 0o1730);
    }
    for (const sub of ["cur", "failed"]) {
      mkdirSync(this.root.spool(sub), { recursive: true, mode: 0o700 });
      chmodSync(this.root.spool(sub), 0o700);
    }
    chmodSync(this.root.path("var"), 0o700);
    if (wrong.length > 0) this.report.note(`S2: spool modes set by hand for the rest of the run`);
  }

  /** Programs and folders of the handler's user, owned by it. */
  nobodyFiles() {
    const w = this.w;
    const nb = w.ids.nobody;
    const own = (p) => chownSync(p, nb.uid, nb.gid);
    for (const d of ["bin", "work", "realwork", "home"]) {
      mkdirSync(path.join(w.nobodyDir, d), { mode: 0o755 });
      own(path.join(w.nobodyDir, d));
    }
    const script = (name, text) => {
      const p = path.join(w.nobodyDir, "bin", name);
      writeFileSync(p, `#!/bin/sh\n${text}\n`, { mode: 0o755 });
      chmodSync(p, 0o755);
      own(p);
      return p;
    };
    this.nb = {
      prog: script("prog", "exit 0"),
      readCwd: script(
        "read-cwd",
        `cat secret.txt >> ${path.join(w.nobodyDir, "cwd.out")} 2>/dev/null; pwd >> ${path.join(w.nobodyDir, "cwd.out")}; exit 0`,
      ),
      params: script(
        "params",
        [
          '[ "$EVH_ATTEMPT" = 2 ] && exit 0',
          `dir=$(dirname "$EVH_PARAMS_FILE")`,
          `rm -f "$EVH_PARAMS_FILE"; ln -s ${w.canaryPath("ld.so.preload")} "$EVH_PARAMS_FILE"`,
          `for n in 1 2 3 next attempt-2; do ln -s ${w.canaryPath("ld.so.preload")} "$EVH_PARAMS_FILE.$n" 2>/dev/null; ln -s ${w.canaryPath("created")} "$dir/$n" 2>/dev/null; done`,
          "exit 1",
        ].join("\n"),
      ),
      fds: path.join(w.nobodyDir, "fds.out"),
      cwdOut: path.join(w.nobodyDir, "cwd.out"),
    };
    writeFileSync(this.nb.cwdOut, "", { mode: 0o666 });
    own(this.nb.cwdOut);
  }

  handlerDocs() {
    const w = this.w;
    const nobody = "nobody";
    const tag = process.pid;
    this.sleeps = {
      jobs: `7771.${tag}`,
      jobs2: `7772.${tag}`,
      exitJobs: `7773.${tag}`,
      setsid: `7774.${tag}`,
    };
    return [
      { id: "ok", event: "t_ok", command: [RECORD, this.runs, "0"] },
      { id: "leak", event: "t_leak", command: [RECORD, this.runs, "0"] },
      { id: "fail", event: "t_fail", command: ["/bin/false"] },
      { id: "mixed-ok", event: "t_mixed", priority: 80, command: [RECORD, this.runs, "0"] },
      { id: "mixed-fail", event: "t_mixed", priority: 20, command: ["/bin/false"] },
      { id: "hold", event: "t_hold", command: ["/bin/sleep", "2"] },
      { id: "env-dump", event: "t_env", priority: 100, command: [DUMP_ENV, this.envOut] },
      ...this.interpreters.map(([name, argv]) => ({
        id: `env-${name}`,
        event: "t_env",
        timeout: "15s",
        command: argv,
      })),
      { id: "nb-fifo", event: "t_fifo", user: nobody, timeout: "5s", command: [this.nb.prog] },
      {
        id: "nb-cwd",
        event: "t_cwd",
        user: nobody,
        cwd: path.join(w.nobodyDir, "work"),
        timeout: "5s",
        command: [this.nb.readCwd],
      },
      {
        id: "nb-jobs",
        event: "t_jobs",
        user: nobody,
        timeout: "1s",
        command: [
          "/bin/bash",
          "-c",
          `set -m; sleep ${this.sleeps.jobs} & sleep ${this.sleeps.jobs2} & wait`,
        ],
      },
      {
        id: "nb-jobs-exit",
        event: "t_jobs",
        user: nobody,
        timeout: "5s",
        command: ["/bin/bash", "-c", `set -m; sleep ${this.sleeps.exitJobs} & exit 0`],
      },
      {
        id: "nb-setsid",
        event: "t_setsid",
        user: nobody,
        timeout: "5s",
        command: ["/usr/bin/setsid", "-f", "/bin/sleep", this.sleeps.setsid],
      },
      {
        id: "nb-fds",
        event: "t_fds",
        user: nobody,
        // `exec >FILE` first: a redirection on `ls` itself would make dash save its stdout on fd 10
        // for the length of the command, and the list would show the shell's own copy.
        command: ["/bin/sh", "-c", `exec > ${this.nb.fds}; ls /proc/$$/fd`],
      },
      {
        id: "nb-params",
        event: "t_params",
        user: nobody,
        retry: { attempts: 1, backoff: "10ms" },
        command: [this.nb.params],
      },
      {
        id: "nb-escape",
        event: "t_escape",
        user: nobody,
        command: ["/usr/bin/printf", "result ok\\r\\033[1A\\033[2K\\033]0;owned\\007\\n"],
      },
    ];
  }

  /** A unique event file name. */
  name(prefix) {
    this.seq++;
    return `${prefix}-${String(this.seq).padStart(4, "0")}.json`;
  }

  /** As the producer: the file under tmp/, then a rename into new/ (Maildir), `umask 077`. */
  async deliver(name, content, who = "producer") {
    const text = typeof content === "string" ? content : JSON.stringify(content);
    const r = await this.w.shAs(who, 'umask 077 && cat > "$T/$N" && mv "$T/$N" "$W/$N"', {
      input: text,
      env: { T: this.root.spool("tmp"), W: this.root.spool("new"), N: name },
    });
    if (r.code !== 0) throw new Error(`the ${who} could not deliver ${name}: ${r.stderr.trim()}`);
    return name;
  }

  /** Waits until `name` left new/ and cur/; false after `ms`. */
  async gone(name, ms = 20_000) {
    const left = await until(
      () => !existsSync(this.root.spool("new", name)) && !existsSync(this.root.spool("cur", name)),
      ms,
      40,
    );
    return left === true;
  }

  /** Lines of the runs record for one event id. */
  runsOf(eventId) {
    return readFileSync(this.runs, "utf8")
      .split("\n")
      .filter((l) => l.startsWith(`${eventId} `));
  }

  /** A normal event, as the administrator sends it; true when its handler ran. */
  async probe(label) {
    const name = this.name(`probe-${label}`);
    this.root.emit({ event: "t_ok" }, name);
    const id = name.slice(0, -".json".length);
    return (await until(() => this.runsOf(id).length > 0, 25_000, 50)) === true;
  }

  /** The administrator's CLI on this root. */
  evh(command, args = [], options = {}) {
    return this.w.evh([command, "--root", this.root.dir, ...args], options);
  }

  async restartAgent(r) {
    this.restarts++;
    r.note(
      `the agent had stopped (${this.agent.output().slice(-400)}); restarted for the next attacks`,
    );
    this.agent = await startAgent(this.root);
  }

  async close(keep) {
    if (this.agent?.alive) await this.agent.kill9();
    for (const p of [...this.w.processesOf(this.w.ids.nobody.uid)]) {
      if (Object.values(this.sleeps ?? {}).some((s) => p.cmd.includes(s))) {
        try {
          process.kill(p.pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
    }
    if (keep)
      this.report.note(`root kept: ${this.root.dir} (removed with the run's folder unless --keep)`);
  }
}
