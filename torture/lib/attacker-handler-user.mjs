/**
 * The handler's own user's attacks (`nobody`): it owns the handler's
 * program, its cwd and its home, and swaps them while the root agent runs
 * the handler; its handlers try to outlive their run and look at what they
 * inherited. Each entry: id, who, findings of issue 9, title, attack.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { until } from "./harness.mjs";

const who = "nobody";

/** A node loop, as nobody, that swaps `target` between entries for `ms` (atomic renames of fresh links). */
function swapper(w, target, entries, ms) {
  const code = `
const fs = require("fs");
const [target, ms, ...entries] = process.argv.slice(1);
const end = Date.now() + Number(ms);
let i = 0, n = 0;
while (Date.now() < end) {
  const tmp = target + ".swap";
  try { fs.rmSync(tmp, { force: true }); } catch {}
  const [kind, what] = entries[i++ % entries.length].split(":");
  try {
    if (kind === "link") fs.symlinkSync(what, tmp); else fs.linkSync(what, tmp);
    fs.renameSync(tmp, target); n++;
  } catch {}
}
console.log(n);`;
  return w.runAs(who, process.execPath, ["-e", code, target, String(ms), ...entries], {
    timeoutMs: ms + 10_000,
  });
}

/** Index of the first control character other than a newline or a tab, or -1. */
function firstControl(text) {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f) return i;
  }
  return -1;
}

const hasControl = (text) => firstControl(text) >= 0;

/** Node code: until killed, tries a non-blocking open for writing of argv[1]; prints "caught" on each success. */
const RELEASER = `
const fs = require("fs");
const file = process.argv[1];
setInterval(() => {
  try { const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK); fs.closeSync(fd); console.log("caught"); } catch {}
}, 5);`;

export const HANDLER_USER_ATTACKS = [
  {
    id: "H1",
    who,
    findings: [14],
    title:
      "swaps its program between a FIFO and a script with a missing interpreter while its events run",
    async run(w, s, r) {
      const bin = path.dirname(s.nb.prog);
      await w.shAs(
        who,
        `mkfifo "${bin}/fifo" && chmod 755 "${bin}/fifo" && printf '#!/nonexistent/interpreter\\n' > "${bin}/noint" && chmod 755 "${bin}/noint"`,
      );
      // Opening a FIFO for writing without blocking works only while someone has it open for
      // reading: each success is the agent caught opening it (and releases it, so the run goes on).
      const stopReleasing = new AbortController();
      const releaser = w.runAs(who, process.execPath, ["-e", RELEASER, `${bin}/fifo`], {
        timeoutMs: 120_000,
        signal: stopReleasing.signal,
      });
      const swapping = swapper(w, s.nb.prog, [`hard:${bin}/fifo`, `hard:${bin}/noint`], s.o.swapMs);
      const names = [];
      for (let i = 0; i < s.o.raceEvents; i++) {
        names.push(s.name("fifo"));
        s.root.emit({ event: "t_fifo" }, names.at(-1));
      }
      const swaps = await swapping;
      let ended = 0;
      const started = Date.now();
      for (const n of names) if (await s.gone(n, 15_000)) ended++;
      const waited = Date.now() - started;
      stopReleasing.abort();
      const caught = (await releaser).stdout.split("\n").filter((l) => l === "caught").length;
      r.check(
        "every event ended while the program was a FIFO at times",
        ended === names.length,
        `${ended} of ${names.length}`,
      );
      r.check(
        "the agent never opened the FIFO its handler's user put in place of the program",
        caught === 0,
        `caught ${caught} times (each would have blocked the agent for good had the attacker not released it)`,
      );
      r.figure(
        `${swaps.stdout.trim()} swaps, ${names.length} events, the last ended ${(waited / 1000).toFixed(1)} s after the swapping stopped`,
      );
      await w.shAs(
        who,
        `rm -f "${s.nb.prog}" && printf '#!/bin/sh\\nexit 0\\n' > "${s.nb.prog}" && chmod 755 "${s.nb.prog}"`,
      );
    },
  },
  {
    id: "H2",
    who,
    findings: [15],
    title:
      "points its cwd at a folder inside a root-only 0700 one, for good and swapping back and forth",
    async run(w, s, r) {
      const work = path.join(w.nobodyDir, "work");
      const inner = w.canaryPath("inner");
      await w.shAs(who, `rmdir "${work}" && ln -s "${inner}" "${work}"`);
      const first = s.name("cwd");
      s.root.emit({ event: "t_cwd" }, first);
      await s.gone(first);
      const swapping = swapper(
        w,
        work,
        [`link:${path.join(w.nobodyDir, "realwork")}`, `link:${inner}`],
        s.o.swapMs,
      );
      const names = [];
      for (let i = 0; i < s.o.raceEvents; i++) {
        names.push(s.name("cwd"));
        s.root.emit({ event: "t_cwd" }, names.at(-1));
      }
      const swaps = await swapping;
      for (const n of names) await s.gone(n);
      const out = readFileSync(s.nb.cwdOut, "utf8");
      r.check(
        "the handler never read the file under the root-only folder",
        !out.includes(w.innerSecret),
        "the secret was read through the swapped cwd",
      );
      r.check("the handler never started inside the root-only folder", !out.includes(inner));
      r.figure(`${swaps.stdout.trim()} swaps, ${names.length + 1} events`);
      await w.shAs(who, `rm -f "${work}" && mkdir "${work}"`);
    },
  },
  {
    id: "H3",
    who,
    findings: [10, 21],
    title:
      "job-control children (set -m) that outlive a timeout and a normal exit, and a setsid child",
    async run(w, s, r) {
      const n1 = s.name("jobs");
      s.root.emit({ event: "t_jobs" }, n1);
      await s.gone(n1);
      const n2 = s.name("setsid");
      s.root.emit({ event: "t_setsid" }, n2);
      await s.gone(n2);
      const mine = (keys) =>
        w
          .processesOf(w.ids.nobody.uid)
          .filter((p) => keys.some((k) => p.cmd.includes(s.sleeps[k])));
      // SIGTERM, then SIGKILL 5 s later: give it generous time on a busy machine.
      const left =
        (await until(() => mine(["jobs", "jobs2", "exitJobs"]).length === 0, 12_000, 200)) === true;
      r.check(
        "no job-control child of a handler survives its run",
        left,
        mine(["jobs", "jobs2", "exitJobs"])
          .map((p) => p.cmd)
          .join("; "),
      );
      const escaped = mine(["setsid"]);
      r.figure(
        `setsid child ${escaped.length ? "still running (out of reach, as documented); killed by the harness" : "gone"}`,
      );
      for (const p of escaped) process.kill(p.pid, "SIGKILL");
    },
  },
  {
    id: "H4",
    who,
    findings: [12],
    title: "lists the descriptors its handler inherited",
    async run(_w, s, r) {
      const n = s.name("fds");
      s.root.emit({ event: "t_fds" }, n);
      await s.gone(n);
      let fds = [];
      try {
        fds = readFileSync(s.nb.fds, "utf8").split("\n").filter(Boolean);
      } catch {
        // not written: the check says so
      }
      r.check(
        "the handler inherited only stdin, stdout and stderr",
        fds.length > 0 && fds.every((f) => ["0", "1", "2"].includes(f)),
        fds.join(" ") || "no list written",
      );
    },
  },
  {
    id: "H5",
    who,
    findings: [1, 16],
    title:
      "replaces its params file and its neighbours with symlinks into root-only files before a retry",
    async run(w, s, r) {
      const n = s.name("params");
      s.root.emit({ event: "t_params", params: { NEW_X: "x" } }, n);
      await s.gone(n);
      r.check(
        "the agent wrote through none of the planted links",
        w.changedCanaries().length === 0,
        w.changedCanaries().join(", "),
      );
    },
  },
  {
    id: "H6",
    who,
    findings: [19],
    title:
      "prints terminal control sequences (fake result line, erase line, window title) to evh test --exec",
    async run(w, s, r) {
      const t = await s.evh("test", ["--exec", "t_escape"]);
      const raw = `${t.stdout}${t.stderr}`;
      r.check("evh test --exec ran", !t.timedOut && raw.includes("result ok"), raw.slice(0, 200));
      r.check(
        "no raw control character reaches the administrator's terminal",
        !hasControl(raw),
        JSON.stringify(raw.slice(Math.max(0, firstControl(raw) - 20), firstControl(raw) + 10)),
      );
      writeFileSync(path.join(w.dir, "test-exec.out"), raw);
    },
  },
];
