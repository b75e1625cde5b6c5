/**
 * The producer's attacks: a non-root uid in `producer_group`, who can create
 * files in tmp/ and rename them into new/ (1730 root:group), and can see the
 * agent's pid in `ps`. Each entry: id, who, the findings of issue 9 it
 * replays, a one-line title, and the attack itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { ENV_NAMES, ENV_TOKEN, envParams } from "./attacker-env-names.mjs";
import { secret } from "./attacker-world.mjs";
import { until } from "./harness.mjs";

const who = "producer";

/** Names the review used to run code as root without any file of its own (finding 2). */
const EXPLOITS = [
  "PYTHONWARNINGS",
  "BROWSER",
  "OPENSSL_CONF",
  "GIT_SSH_COMMAND",
  "GIT_CONFIG_COUNT",
  "GIT_CONFIG_KEY_0",
  "GIT_CONFIG_VALUE_0",
  "CURL_HOME",
  "XDG_CONFIG_HOME",
];

export const PRODUCER_ATTACKS = [
  {
    id: "P1",
    who,
    findings: [1],
    title:
      "symlinks named like the sidecar, its temp files and the agent's pid, then a bad file and a failing event",
    async run(w, s, r) {
      const pid = s.agent.pid;
      const plant = [];
      for (const base of ["bad.json", "fails.json"]) {
        for (const suffix of [
          `.error.json.tmp-${pid}`,
          ".error.json.tmp",
          ".error.json",
          `.error.json.${pid}.tmp`,
        ]) {
          plant.push([`${base}${suffix}`, w.canaryPath("ld.so.preload")]);
        }
        plant.push([`${base}.error.json.tmp-${pid}-new`, w.canaryPath("created")]);
      }
      for (const [name, target] of plant) {
        await w.shAs(who, 'ln -s "$L" "$T/$N" && mv "$T/$N" "$W/$N"', {
          env: { L: target, N: name, T: s.root.spool("tmp"), W: s.root.spool("new") },
        });
      }
      let cleared = 0;
      for (const [name] of plant) if (await s.gone(name, 10_000)) cleared++;
      await s.deliver("bad.json", "{ not json");
      await s.deliver("fails.json", { event: "t_fail" });
      const placed = (await s.gone("bad.json")) && (await s.gone("fails.json"));
      r.check("both events were placed", placed);
      r.check(
        "the agent wrote through none of the links (canary unchanged)",
        w.changedCanaries().length === 0,
        w.changedCanaries().join(", "),
      );
      r.figure(`${plant.length} links planted, ${cleared} taken out of new/`);
    },
  },
  {
    id: "P2",
    who,
    findings: [1, 7],
    title:
      "symlinks into root-only files and devices as event names (secret event, /etc/shadow, /dev/zero, /dev/urandom)",
    async run(w, s, r) {
      const links = {
        "leak.json": w.canaryPath("secret.json"),
        "shadow.json": "/etc/shadow",
        "zero.json": "/dev/zero",
        "random.yaml": "/dev/urandom",
        "dangling.json": w.canaryPath("nothing-here"),
      };
      for (const [name, target] of Object.entries(links)) {
        await w.shAs(who, 'ln -s "$L" "$T/$N" && mv "$T/$N" "$W/$N"', {
          env: { L: target, N: name, T: s.root.spool("tmp"), W: s.root.spool("new") },
        });
      }
      let cleared = 0;
      for (const name of Object.keys(links)) if (await s.gone(name)) cleared++;
      r.check(
        "every link left new/",
        cleared === Object.keys(links).length,
        `${cleared} of ${Object.keys(links).length}`,
      );
      r.check("the root-only event behind a link was never run", s.runsOf("leak").length === 0);
      const sidecars = readdirSync(s.root.spool("failed"))
        .filter((n) => n.endsWith(".error.json"))
        .map((n) => readFileSync(s.root.spool("failed", n), "utf8"))
        .join("\n");
      r.check("no sidecar quotes the root-only file", !sidecars.includes(w.canarySecret));
      const status = await s.evh("status", [], { timeoutMs: 15_000 });
      r.check(
        "evh status ends and does not print the root-only file",
        !status.timedOut && !status.stdout.includes(w.canarySecret),
        status.stderr.slice(0, 200),
      );
    },
  },
  {
    id: "P3",
    who,
    findings: [1, 14],
    title:
      "a FIFO (held open for writing, to see whether anyone opens it) and a directory as event files",
    async run(w, s, r) {
      const env = { T: s.root.spool("tmp"), W: s.root.spool("new") };
      await w.shAs(
        who,
        'mkfifo "$T/fifo.json" && mkdir "$T/dir.json" && echo "{}" > "$T/dir.json/inner.json"',
        { env },
      );
      // The writer's open blocks until a reader opens the FIFO: then the agent read it.
      const stopWriting = new AbortController();
      const writer = w.shAs(who, 'exec 3> "$T/fifo.json"; echo opened', {
        env,
        timeoutMs: 30_000,
        signal: stopWriting.signal,
      });
      await w.shAs(who, 'mv "$T/fifo.json" "$W/fifo.json" && mv "$T/dir.json" "$W/dir.json"', {
        env,
      });
      const left = (await s.gone("fifo.json")) && (await s.gone("dir.json"));
      r.check("the FIFO and the directory left new/", left);
      stopWriting.abort();
      const opened = await writer;
      r.check("the agent never opened the FIFO", !opened.stdout.includes("opened"), opened.stdout);
      r.check("a normal event still runs", await s.probe("p3"));
    },
  },
  {
    id: "P4",
    who,
    findings: [1],
    title: "the same event hard-linked under two names, and hard links to root files",
    async run(w, s, r) {
      const env = { T: s.root.spool("tmp"), W: s.root.spool("new") };
      await w.shAs(
        who,
        'umask 077; echo \'{"event":"t_ok"}\' > "$T/hl-1.json" && ln "$T/hl-1.json" "$T/hl-2.json" && mv "$T/hl-1.json" "$W/hl-1.json" && mv "$T/hl-2.json" "$W/hl-2.json"',
        { env },
      );
      await s.gone("hl-1.json");
      await s.gone("hl-2.json");
      r.check(
        "a file with two links is refused unread (its handler never ran)",
        s.runsOf("hl-1").length + s.runsOf("hl-2").length === 0,
        `${s.runsOf("hl-1").length + s.runsOf("hl-2").length} runs`,
      );
      const root = await w.shAs(who, 'ln /etc/shadow "$T/shadow-hl.json" 2>&1 || echo refused', {
        env,
      });
      r.figure(
        `hard link to /etc/shadow: ${root.stdout.includes("refused") ? "refused by the kernel (protected_hardlinks)" : "made"}`,
      );
      await w.shAs(
        who,
        'test -e "$T/shadow-hl.json" && mv "$T/shadow-hl.json" "$W/shadow-hl.json"',
        { env },
      );
      await s.gone("shadow-hl.json");
    },
  },
  {
    id: "P5",
    who,
    findings: [5],
    title:
      "a second failing event under the name of one in failed/, then the administrator's retry --all",
    async run(_w, s, r) {
      await s.deliver("same.json", { event: "t_mixed", params: { NEW_TAG: "a" } });
      await s.gone("same.json");
      await s.deliver("same.json", { event: "t_mixed", params: { NEW_TAG: "b" } });
      await s.gone("same.json");
      const okBefore = s.runsOf("same").length;
      const retry = await s.evh("retry", ["--all"]);
      await until(
        () => s.root.events("new").length === 0 && s.root.events("cur").length === 0,
        20_000,
      );
      const okAfter = s.runsOf("same").length;
      r.check("retry ran", retry.code === 0, retry.stderr.trim());
      r.check(
        "no ok handler ran again",
        retry.code === 0 && okBefore === 2 && okAfter === 2,
        `mixed-ok ran ${okBefore} times before the retry, ${okAfter} after`,
      );
    },
  },
  {
    id: "P6",
    who,
    findings: [4],
    title: "three bad files with a 255-byte name, one after the other, then a normal event",
    async run(_w, s, r) {
      const name = `${"n".repeat(250)}.json`;
      const count = () =>
        readdirSync(s.root.spool("failed")).filter((n) => !n.endsWith(".error.json")).length;
      const before = count();
      let placed = 0;
      for (let i = 0; i < 3; i++) {
        await s.deliver(name, `{ bad ${i}`);
        if (await s.gone(name, 15_000)) placed++;
      }
      r.check("each of the three left new/", placed === 3, `${placed} of 3`);
      const added = count() - before;
      r.check("all three are kept in failed/", added === 3, `${added} of 3 in failed/`);
      r.check("a normal event still runs", await s.probe("p6"));
    },
  },
  {
    id: "P7",
    who,
    findings: [2],
    title: `${ENV_NAMES.length} environment names from the issue, man 7 environ and the interpreters, as params of a root handler`,
    async run(w, s, r) {
      const params = envParams((n) => w.markerCommand(n), s.payloads);
      // The bypasses of the review alone too: an agent that refuses some names outright would
      // quarantine the whole first event, and these must not run code either way.
      const bypass = Object.fromEntries(EXPLOITS.map((k) => [k, params[k]]));
      await s.deliver("env-bypass.json", { event: "t_env", params: bypass });
      await s.gone("env-bypass.json", 60_000);
      const viaBypass = w.markersFound();
      r.check(
        "the event with the review's bypass names ran its handlers",
        existsSync(s.envOut),
        JSON.stringify(s.root.sidecar("env-bypass.json")?.reason),
      );
      await s.deliver("env.json", { event: "t_env", params });
      await s.gone("env.json", 60_000);
      r.check(
        "no code ran from the review's bypass names",
        viaBypass.length === 0,
        viaBypass.join(", "),
      );
      let env;
      try {
        env = readFileSync(s.envOut, "utf8").split("\0").filter(Boolean);
      } catch {
        throw new Error(
          `the root handler did not run: ${JSON.stringify(s.root.sidecar("env.json")?.reason)}`,
        );
      }
      const leaked = env
        .map((kv) => kv.split("=")[0])
        .filter(
          (k) =>
            !/^(OLD|NEW)_/.test(k) &&
            k in params &&
            env.find((kv) => kv.startsWith(`${k}=`)) === `${k}=${params[k]}`,
        );
      r.check(
        "no param other than OLD_*/NEW_* reached the environment",
        leaked.length === 0,
        leaked.join(", "),
      );
      r.check(
        "no payload value is anywhere in the environment",
        !env.some((kv) => kv.includes(ENV_TOKEN)),
      );
      r.figure(
        `${Object.keys(params).length} names, ${s.interpreters.length} interpreters (${s.interpreters.map(([n]) => n).join(", ")}), ${leaked.length} reached the environment`,
      );
    },
  },
  {
    id: "P8",
    who,
    findings: [3, 9],
    title:
      "list and read the other producer's files, move them, write into cur/, failed/, var/, handlers.d/",
    async run(w, s, r) {
      const pw = secret("producer");
      const name = s.name("private");
      const env = { T: s.root.spool("tmp"), W: s.root.spool("new"), N: name, R: s.root.dir };
      await w.shAs(who, 'umask 077; printf "%s" "$C" > "$T/$N"', {
        env: { ...env, C: JSON.stringify({ event: "t_ok", params: { NEW_PASSWORD: pw } }) },
      });
      const other = await w.shAs(
        "producer2",
        [
          'ls "$T" >/dev/null 2>&1 && echo list-tmp',
          'ls "$W" >/dev/null 2>&1 && echo list-new',
          'cat "$T/$N" >/dev/null 2>&1 && echo read',
          'mv "$T/$N" "$T/stolen" 2>/dev/null && echo moved',
          'rm -f "$T/$N" 2>/dev/null; test -e "$T/$N" || echo removed',
          'for d in spool/cur spool/failed spool/done var handlers.d; do touch "$R/$d/x.json" 2>/dev/null && echo "wrote $d"; done',
          'cat "$R/var/journal.jsonl" >/dev/null 2>&1 && echo read-journal',
        ].join("; "),
        { env },
      );
      r.check(
        "the second producer can neither list, read, move nor remove it, nor write beyond new/",
        other.stdout.trim() === "",
        other.stdout.trim().replace(/\n/g, ", "),
      );
      const own = await w.shAs(
        who,
        'for d in spool/cur spool/failed spool/done var handlers.d; do touch "$R/$d/x.json" 2>/dev/null && echo "wrote $d"; done',
        { env },
      );
      r.check(
        "the producer cannot write into cur/, failed/, done/, var/ or handlers.d/",
        own.stdout.trim() === "",
        own.stdout.trim().replace(/\n/g, ", "),
      );
      await w.shAs(who, 'mv "$T/$N" "$W/$N"', { env });
      await s.gone(name);
      r.check("the producer's own event runs", s.runsOf(name.slice(0, -5)).length === 1);
    },
  },
  {
    id: "P9",
    who,
    findings: [3],
    title: "the administrator's evh emit leaves no password readable (file and folder modes)",
    async run(w, _s, r) {
      // A second root without an agent, so the files stay where they were put.
      const quiet = w.quietRoot();
      const pw = secret("emit");
      const input = `${JSON.stringify({ event: "t_ok", params: { NEW_PASSWORD: pw } })}\n`;
      const file = w.privateFile("emit.json", input);
      const emitted = await w.evh(["emit", "--root", quiet, "--file", file]);
      const spooled = emitted.stdout.trim();
      r.check("evh emit --file works", emitted.code === 0, emitted.stderr.trim());
      if (emitted.code === 0) {
        const mode = statSync(spooled).mode & 0o777;
        r.check("evh emit writes the event 0600", mode === 0o600, mode.toString(8));
        r.check("another user cannot read it", !(await w.canRead("local", spooled)));
      }
      const newMode = statSync(`${quiet}/spool/new`).mode & 0o7777;
      r.check("new/ made by evh emit is 0700", newMode === 0o700, newMode.toString(8));
    },
  },
];
