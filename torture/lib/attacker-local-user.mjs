/**
 * The unrelated local user's attacks: a uid with no part in evh, who owns
 * /tmp-like places and a directory the administrator may cd into, can
 * read /proc, and waits for the administrator's evh commands there. Each
 * entry: id, who, findings of issue 9, title, attack.
 */
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { secret } from "./attacker-world.mjs";
import { REPO, startAgent, until } from "./harness.mjs";

const who = "local";

/** Builds a trap root in the local user's folder, as that user: `script` runs with $D the trap. */
async function trap(w, name, script, env = {}) {
  const dir = path.join(w.localDir, name);
  const r = await w.shAs(who, `mkdir -p "$D" && cd "$D" && ${script}`, {
    env: { D: dir, C: w.canary, ...env },
  });
  if (r.code !== 0) throw new Error(`could not build the trap ${name}: ${r.stderr.trim()}`);
  return dir;
}

/** Entries evh commands created in the checkout's own spool (a root chosen by default); removed again. */
function checkoutSpool() {
  const out = new Set();
  for (const state of ["tmp", "new", "cur", "failed", "done"]) {
    try {
      for (const n of readdirSync(path.join(REPO, "spool", state)))
        out.add(path.join("spool", state, n));
    } catch {
      // no such folder
    }
  }
  return out;
}

export const LOCAL_USER_ATTACKS = [
  {
    id: "L1",
    who,
    findings: [13],
    title:
      "a folder with symlinked spool folders, a crafted evh.yaml and fake sidecars; the administrator cd's there and runs status, retry --all, emit",
    async run(w, _s, r) {
      const dir = await trap(
        w,
        "cwd-root",
        [
          "mkdir -p spool/tmp spool/new spool/cur handlers.d var",
          'ln -s "$C" spool/failed',
          "chmod 777 spool/tmp spool/new spool/cur",
          'ln -s "$C/ld.so.preload" var/journal.jsonl.tmp',
          'printf "log:\\n  file: %s/ld.so.preload\\n" "$C" > evh.yaml',
        ].join(" && "),
      );
      const before = checkoutSpool();
      const pw = secret("cwd-emit");
      const file = w.privateFile(
        "cwd-emit.json",
        JSON.stringify({ event: "t_ok", params: { NEW_PASSWORD: pw } }),
      );
      const results = [];
      for (const args of [["status"], ["retry", "--all"], ["emit", "--file", file]]) {
        const res = await w.evh(args, { cwd: dir, timeoutMs: 15_000 });
        results.push(`${args[0]}: exit ${res.code}${res.timedOut ? " (hung)" : ""}`);
        if (args[0] === "emit" && res.code === 0) {
          const spooled = res.stdout.trim();
          r.check(
            "evh emit did not write into the user's folder",
            !spooled.startsWith(w.localDir),
            spooled,
          );
        }
      }
      r.check(
        "the root-only files behind the links are untouched",
        w.changedCanaries().length === 0,
        w.changedCanaries().join(", "),
      );
      r.check(
        "nothing of the root-only folder was moved into the user's folder",
        !existsSync(path.join(dir, "spool", "new", "victim.json")),
      );
      for (const extra of checkoutSpool())
        if (!before.has(extra)) rmSync(path.join(REPO, extra), { force: true });
      r.figure(results.join(", "));
    },
  },
  {
    id: "L2",
    who,
    findings: [13, 9],
    title:
      "the administrator runs evh run --root on the user's folder (var/ with a journal temp link, a foreign evh.yaml, handlers.d/)",
    async run(w, s, r) {
      const evil = w.privateFile(
        "evil.yaml",
        `id: evil\nevent: "*"\ncommand: ["/bin/sh", "-c", "${w.markerCommand("foreign-handler")}"]\n`,
      );
      const dir = await trap(
        w,
        "run-root",
        [
          "mkdir -p spool/tmp spool/new spool/cur spool/failed handlers.d var",
          "chmod 777 spool/new",
          'ln -s "$C/ld.so.preload" var/journal.jsonl.tmp',
          'ln -s "$C/ld.so.preload" var/journal.jsonl',
          'ln -s "$E" handlers.d/evil.yaml',
          'printf "{\\"event\\":\\"t_ok\\"}" > spool/new/x.json',
        ].join(" && "),
        { E: evil },
      );
      const agent = await startAgent({ dir }, { waitReady: false });
      await until(() => !agent.alive || agent.output().includes("agent ready"), 15_000);
      const started = agent.output().includes("agent ready");
      if (started) await until(() => !existsSync(path.join(dir, "spool", "new", "x.json")), 5_000);
      if (agent.alive) await agent.stop("SIGTERM", 10_000);
      r.check("the agent refuses a root the local user owns", !started, agent.output().slice(-300));
      const v = await s.evh("validate", []);
      r.figure(
        `agent ${started ? "started" : "refused to start"}; validate on the main root exit ${v.code}`,
      );
    },
  },
  {
    id: "L3",
    who,
    findings: [8],
    title: "owns a root's handlers.d/ and links in a root-owned handler file",
    async run(w, _s, r) {
      const rootDir = w.quietRoot();
      rmSync(path.join(rootDir, "handlers.d"), { recursive: true });
      const other = w.privateFile(
        "linked.yaml",
        `id: linked\nevent: t_ok\ncommand: ["/bin/true"]\n`,
      );
      // The administrator's root, whose handlers.d/ the user was given (or took over).
      await w.shAs(
        "admin",
        `mkdir "$R/handlers.d" && chown ${w.ids.local.uid}:${w.ids.local.gid} "$R/handlers.d"`,
        { env: { R: rootDir } },
      );
      await w.shAs(who, `ln -s "${other}" "$R/handlers.d/linked.yaml"`, { env: { R: rootDir } });
      const v = await w.evh(["validate", "--root", rootDir]);
      r.check(
        "evh validate refuses a handlers.d/ owned by another user",
        v.code === 1,
        `exit ${v.code}: ${v.stdout.trim().slice(0, 200)}`,
      );
    },
  },
  {
    id: "L4",
    who,
    findings: [7],
    title:
      "fake sidecars in a failed/ it owns: links to a FIFO, /dev/zero and a root-only JSON file; the administrator runs evh status",
    async run(w, _s, r) {
      const dir = await trap(
        w,
        "status-root",
        [
          "mkdir -p spool/tmp spool/new spool/cur spool/failed handlers.d var",
          "cd spool/failed",
          "mkfifo fifo && ln -s fifo a.json.error.json && touch a.json",
          "ln -s /dev/zero b.json.error.json && touch b.json",
          'ln -s "$C/victim.json.error.json" c.json.error.json && touch c.json',
        ].join(" && "),
      );
      for (const args of [
        ["status", "--root", dir],
        ["status", "--json", "--root", dir],
      ]) {
        const res = await w.evh(args, { timeoutMs: 5_000 });
        r.check(`evh ${args.slice(0, -2).join(" ")} ends`, !res.timedOut, `hung ${res.ms} ms`);
        r.check(
          `evh ${args.slice(0, -2).join(" ")} does not print the root-only file`,
          !res.stdout.includes(w.canarySecret),
        );
      }
    },
  },
  {
    id: "L5",
    who,
    findings: [20],
    title:
      "a FIFO and a 3 MiB file where the administrator expects an event file for evh emit --file",
    async run(w, s, r) {
      const env = { D: w.localDir };
      await w.shAs(
        who,
        'mkfifo "$D/event.json" && head -c 3145728 /dev/zero | tr "\\0" " " > "$D/big.json"',
        { env },
      );
      const stopWatching = new AbortController();
      const watcher = w.shAs(who, 'exec 3> "$D/event.json"; echo opened', {
        env,
        timeoutMs: 30_000,
        signal: stopWatching.signal,
      });
      const fifo = await s.evh("emit", ["--file", path.join(w.localDir, "event.json")], {
        timeoutMs: 10_000,
      });
      stopWatching.abort();
      const opened = await watcher;
      r.check(
        "evh emit --file refuses a FIFO without opening it",
        !fifo.timedOut && fifo.code !== 0 && !opened.stdout.includes("opened"),
        `exit ${fifo.code}${fifo.timedOut ? ", hung" : ""}${opened.stdout.includes("opened") ? ", opened the FIFO" : ""}`,
      );
      const big = await s.evh("emit", ["--file", path.join(w.localDir, "big.json")]);
      r.check(
        "evh emit --file refuses a file over the size limit",
        big.code !== 0,
        `exit ${big.code}`,
      );
      r.figure(`FIFO: exit ${fifo.code} in ${fifo.ms} ms; 3 MiB: exit ${big.code} in ${big.ms} ms`);
    },
  },
  {
    id: "L6",
    who,
    findings: [17, 11, 18],
    title:
      "reads handler files with tokens after evh create/update; reads argv of the administrator's commands",
    async run(w, s, r) {
      const token = `tok-${Date.now()}`;
      const c = await s.evh("create", [
        "--event",
        "t_unused",
        "--id",
        "tok",
        "--command",
        `/bin/true ${token}`,
      ]);
      const file = s.root.path("handlers.d", "tok.yaml");
      r.check("evh create worked", c.code === 0, c.stderr.trim());
      if (existsSync(file)) {
        r.check(
          "evh create writes the handler file 0600",
          (statSync(file).mode & 0o777) === 0o600,
          (statSync(file).mode & 0o777).toString(8),
        );
        r.check("the local user cannot read the token", !(await w.canRead(who, file)));
        await w.shAs("admin", `chmod 640 "${file}"`);
        await s.evh("update", ["tok", "--timeout", "5s"]);
        r.check(
          "evh update keeps the file's mode",
          (statSync(file).mode & 0o777) === 0o640,
          (statSync(file).mode & 0o777).toString(8),
        );
        await s.evh("delete", ["tok"]);
      }
      // A secret placeholder in argv is readable by every user in ps: validate must say so.
      const quiet = w.quietRoot();
      await w.shAs(
        "admin",
        `printf 'id: argv\\nevent: t_ok\\ncommand: ["/bin/echo", "<new_password>"]\\n' > "$R/handlers.d/argv.yaml" && chmod 600 "$R/handlers.d/argv.yaml"`,
        { env: { R: quiet } },
      );
      const v = await w.evh(["validate", "--root", quiet]);
      r.check(
        "evh validate warns about a secret placeholder in argv",
        /warning/i.test(v.stdout) && /password/i.test(v.stdout),
        v.stdout.trim().slice(0, 200),
      );
      // Params on stdin: the password never is on a command line.
      const pw = secret("stdin-emit");
      const e = await w.evh(["emit", "--root", quiet, "t_ok", "--params", "-"], {
        input: `NEW_PASSWORD=${pw}\n`,
      });
      r.check(
        "evh emit takes params on stdin (--params -)",
        e.code === 0,
        e.stderr.trim().slice(0, 200),
      );
    },
  },
  {
    id: "L7",
    who,
    findings: [16],
    title:
      "controls /dev/shm and /tmp: where do the params files (passwords) of a root handler live",
    async run(_w, s, r) {
      let env = [];
      try {
        env = (await import("node:fs")).readFileSync(s.envOut, "utf8").split("\0");
      } catch {
        // P7 did not run: send an event for the dump
        const n = s.name("env2");
        s.root.emit({ event: "t_env", params: {} }, n);
        await s.gone(n, 60_000);
        env = (await import("node:fs")).readFileSync(s.envOut, "utf8").split("\0");
      }
      const file =
        env.find((kv) => kv.startsWith("EVH_PARAMS_FILE="))?.slice("EVH_PARAMS_FILE=".length) ?? "";
      const ok =
        file.startsWith("/run/evh/") ||
        (process.env.RUNTIME_DIRECTORY && file.startsWith(process.env.RUNTIME_DIRECTORY));
      r.check("params files live in a root-only place, not in /dev/shm or /tmp", ok, file);
      r.figure(
        `params file ${file}; /dev/shm not filled (it may be gigabytes: filling it would starve the machine)`,
      );
    },
  },
  {
    id: "L8",
    who,
    findings: [6],
    title:
      "a process of the user holds the pid written in the lock of an agent that crashed; two agents start at once",
    async run(w, _s, r) {
      const quiet = w.quietRoot();
      const sleeper = w.runAs(who, "/bin/sleep", ["60"], { timeoutMs: 60_000 });
      const pid = await until(
        () => w.processesOf(w.ids.local.uid).find((p) => p.cmd === "/bin/sleep 60")?.pid,
        5_000,
      );
      await w.shAs(
        "admin",
        `mkdir -p "$R/var" && chmod 700 "$R/var" && echo ${pid} > "$R/var/evh.lock"`,
        { env: { R: quiet } },
      );
      const agent = await startAgent({ dir: quiet }, { waitReady: false });
      await until(() => !agent.alive || agent.output().includes("agent ready"), 20_000);
      const started = agent.output().includes("agent ready");
      r.check(
        "a pid reused by another user's process does not block the start",
        started,
        agent.output().slice(-200),
      );
      if (agent.alive) await agent.stop("SIGTERM", 10_000);
      if (pid) process.kill(pid, "SIGKILL");
      await sleeper;
      const race = await Promise.all(
        [0, 1, 2].map(() => startAgent({ dir: quiet }, { waitReady: false })),
      );
      await until(() => race.every((a) => !a.alive || a.output().includes("agent ready")), 20_000);
      await until(() => race.filter((a) => a.alive).length <= 1, 5_000);
      const running = race.filter((a) => a.alive && a.output().includes("agent ready")).length;
      r.check(
        "of three agents started at once, exactly one runs",
        running === 1,
        `${running} running`,
      );
      for (const a of race) if (a.alive) await a.stop("SIGTERM", 10_000);
    },
  },
];
