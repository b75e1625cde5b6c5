/**
 * torture:handlers-misbehave — whatever a handler does, the agent gets an
 * outcome and goes on.
 *
 * One handler per misbehaviour, each for its own event, run one after
 * another on one agent: hangs (with a child), ignores SIGTERM, stops
 * itself, leaves children behind, escapes with setsid, floods stdout and
 * stderr, closes stdin while `stdin: json` writes (or never reads it),
 * dies by a signal, cannot be executed (ENOENT, EACCES, a missing
 * interpreter, no #!, garbage), reads its params in cp1251. Checked: the
 * outcome and its reason, that nothing of the handler's process group
 * survives (except the setsid escape, which evh documents it cannot
 * reach), and that the agent's peak memory stays bounded.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import iconv from "iconv-lite";
import {
  FIXTURES,
  handlerYaml,
  makeRoot,
  processAlive,
  REPO,
  Report,
  startAgent,
  until,
} from "./harness.mjs";

export const MISBEHAVE_DEFAULTS = {
  /** Bytes written to each of stdout and stderr by the flood handler. */
  floodBytes: 300_000_000,
  keep: false,
  log: () => undefined,
};

const TEST_SCRIPTS = path.join(REPO, "test", "fixtures", "scripts");
const script = (name) => path.join(TEST_SCRIPTS, name);
const fixture = (name) => path.join(FIXTURES, name);
/** Peak memory the agent may add while a handler floods hundreds of MB. */
const FLOOD_RSS_BUDGET_KIB = 64 * 1024;

export async function runMisbehave(options = {}) {
  const o = { ...MISBEHAVE_DEFAULTS, ...options };
  const report = new Report("handlers-misbehave");
  const root = makeRoot();
  const scratch = root.path("scratch");
  mkdirSync(scratch, { mode: 0o755 });
  const pidFile = (id) => path.join(scratch, `${id}.pids`);
  const cases = buildCases(scratch, pidFile, o);
  root.writeHandler(
    "10-misbehave.yaml",
    cases
      .map((c) => handlerYaml({ id: c.id, event: `t_${c.id.replaceAll("-", "_")}`, ...c.handler }))
      .join("---\n"),
  );
  let agent;
  const escaped = [];
  try {
    agent = await startAgent(root);
    for (const c of cases) c.afterLoad?.();
    // Warm up, so the flood's memory is measured against a settled agent.
    await runEvent(root, "t_warmup", {});
    for (const c of cases) {
      o.log(`case ${c.id}`);
      const before = agent.peakRssKiB();
      const started = Date.now();
      const result = await runEvent(
        root,
        `t_${c.id.replaceAll("-", "_")}`,
        c.params ?? {},
        c.waitMs ?? 30_000,
      );
      const ms = Date.now() - started;
      const problems = [];
      if (!result) {
        problems.push("the event did not end");
      } else {
        const run = result.runs.at(-1);
        if (run?.outcome !== c.outcome)
          problems.push(`outcome ${run?.outcome}, expected ${c.outcome}`);
        problems.push(...(c.verify?.({ run, result, ms, before, agent, escaped }) ?? []));
      }
      if (!agent.alive) problems.push(`the agent exited: ${JSON.stringify(agent.exitInfo)}`);
      report.check(`${c.id}: ${c.what}`, problems.length === 0, problems.join("; "));
      if (c.figure && result)
        report.figure(c.id, c.figure({ run: result.runs.at(-1), ms, before, agent }));
      if (!agent.alive) agent = await startAgent(root);
    }
    report.check(
      "the agent handles an event after all of them",
      await runEvent(root, "t_warmup", {}),
    );
    report.figure("agent peak RSS", `${Math.round((agent.peakRssKiB() ?? 0) / 1024)} MiB`);
    const stopped = await agent.stop();
    report.check("the agent stops cleanly (exit 0)", stopped.code === 0, JSON.stringify(stopped));
    report.note(
      "a handler that starts its own session (setsid) escapes its process group: evh cannot time it out or stop it (SPEC §4); run daemons under systemd",
    );
    report.note("ENOEXEC cannot happen: a file without #! is run by /bin/sh, as execvp does");
    return report;
  } finally {
    for (const pid of escaped) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`root kept: ${root.dir}`);
  }
}

/**
 * Emits an event and waits until it is done or failed; returns its run
 * records (one per attempt) and sidecar, or undefined on timeout.
 */
async function runEvent(root, event, params, timeoutMs = 30_000) {
  const name = root.emit({ event, params });
  const placed = await until(
    () =>
      root
        .logLines()
        .find(
          (l) =>
            (l.message === "event done" || l.message.startsWith("event failed")) && l.file === name,
        ),
    timeoutMs,
    50,
  );
  if (!placed) return undefined;
  const eventId = name.slice(0, -".json".length);
  const runs = root
    .logLines()
    .filter((l) => l.event_id === eventId && typeof l.outcome === "string");
  return { name, placed, runs, sidecar: root.sidecar(name) };
}

function readPids(file) {
  try {
    return readFileSync(file, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function alivePids(file) {
  return readPids(file).filter(processAlive);
}

function buildCases(scratch, pidFile, o) {
  const gone = (id) => () => {
    const pids = readPids(pidFile(id));
    if (pids.length === 0) return ["the handler wrote no pid"];
    const left = pids.filter(processAlive);
    return left.length > 0
      ? [`${left.length} of ${pids.length} processes still alive: ${left.join(", ")}`]
      : [];
  };
  const reason =
    (pattern) =>
    ({ result }) =>
      pattern.test(result.sidecar?.reason ?? "")
        ? []
        : [`sidecar reason ${JSON.stringify(result.sidecar?.reason)} does not match ${pattern}`];
  const runError =
    (pattern) =>
    ({ run }) =>
      pattern.test(run?.message ?? "")
        ? []
        : [`run message ${JSON.stringify(run?.message)} does not match ${pattern}`];
  const all =
    (...checks) =>
    (ctx) =>
      checks.flatMap((check) => check(ctx));

  // Scripts that change after the agent loaded them: the load-time check passed, the run cannot start.
  const vanishing = path.join(scratch, "vanishing.sh");
  const closed = path.join(scratch, "closed.sh");
  const noInterpreter = path.join(scratch, "no-interpreter.sh");
  const garbage = path.join(scratch, "garbage.bin");
  copyFileSync(script("exit-code.sh"), vanishing);
  copyFileSync(script("exit-code.sh"), closed);
  writeFileSync(noInterpreter, "#!/nonexistent/evh/interpreter\nexit 0\n", { mode: 0o755 });
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256)), {
    mode: 0o755,
  });
  for (const f of [vanishing, closed, noInterpreter, garbage]) chmodSync(f, 0o755);
  // About 900 KB of JSON on stdin: far more than a pipe holds.
  const bigParams = Object.fromEntries(
    Array.from({ length: 15 }, (_, i) => [`NEW_P${i}`, "p".repeat(60_000)]),
  );
  const legacy = path.join(scratch, "legacy");

  return [
    {
      id: "hang",
      what: "a hung handler with a child is timed out, and its whole process group killed",
      handler: { command: [script("spawn-child.sh"), pidFile("hang"), "wait"], timeout: "1s" },
      outcome: "timeout",
      verify: all(gone("hang"), reason(/^handler hang timed out$/)),
    },
    {
      id: "ignore-term",
      what: "a handler that ignores SIGTERM gets SIGKILL 5 s later",
      handler: { command: [fixture("ignore-term-pid.sh"), pidFile("ignore-term")], timeout: "1s" },
      outcome: "timeout",
      waitMs: 60_000,
      verify: all(gone("ignore-term"), ({ run }) =>
        run.duration_ms >= 5900 && run.duration_ms < 9000
          ? []
          : [`ran ${run.duration_ms} ms, expected 1 s + 5 s`],
      ),
      figure: ({ run }) => `killed after ${run.duration_ms} ms (timeout 1 s + 5 s to SIGKILL)`,
    },
    {
      id: "stopped",
      what: "a handler that stopped itself (SIGSTOP) is continued and terminated at its timeout",
      handler: { command: [fixture("stop-self.sh"), pidFile("stopped")], timeout: "1s" },
      outcome: "timeout",
      verify: all(gone("stopped"), ({ run }) =>
        run.duration_ms < 4000
          ? []
          : [`ran ${run.duration_ms} ms; SIGCONT should make SIGTERM act at once`],
      ),
    },
    {
      id: "leftover",
      what: "a child left behind when the handler exits is terminated",
      handler: { command: [script("spawn-child.sh"), pidFile("leftover")] },
      outcome: "ok",
      verify: gone("leftover"),
    },
    {
      id: "many-children",
      what: "fifty children left behind are all terminated",
      handler: { command: [fixture("many-children.sh"), pidFile("many-children"), "50"] },
      outcome: "ok",
      verify: gone("many-children"),
    },
    {
      id: "daemon",
      what: "a daemon that escapes with setsid does not hold the run up (and is out of evh's reach)",
      handler: { command: [script("escape-session.sh"), pidFile("daemon")] },
      outcome: "ok",
      verify: ({ ms, escaped }) => {
        const pids = alivePids(pidFile("daemon"));
        escaped.push(...pids);
        const problems = ms < 5000 ? [] : [`the event took ${ms} ms`];
        if (pids.length === 0)
          problems.push("the escaped process is gone: was it reachable after all?");
        return problems;
      },
      figure: () =>
        `escaped process still alive after the run: ${alivePids(pidFile("daemon")).length > 0}`,
    },
    {
      id: "flood",
      what: `${Math.round(o.floodBytes / 1e6)} MB on each of stdout and stderr: the last 64 KiB of each are kept, memory stays bounded`,
      handler: { command: [fixture("flood-both.sh"), String(o.floodBytes)], timeout: "10m" },
      outcome: "ok",
      waitMs: 600_000,
      verify: ({ run, before, agent }) => {
        const problems = [];
        for (const stream of ["stdout", "stderr"]) {
          const text = run[stream] ?? "";
          if (Buffer.byteLength(text) > 64 * 1024)
            problems.push(`${stream} logged ${Buffer.byteLength(text)} bytes`);
          if (!text.endsWith("END-OF-FLOOD\n"))
            problems.push(`${stream} tail lacks the end marker`);
        }
        const grew = (agent.peakRssKiB() ?? 0) - (before ?? 0);
        if (grew > FLOOD_RSS_BUDGET_KIB)
          problems.push(`peak RSS grew by ${Math.round(grew / 1024)} MiB`);
        return problems;
      },
      figure: ({ ms, before, agent }) =>
        `${((2 * o.floodBytes) / 1e6).toFixed(0)} MB read in ${ms} ms; agent peak RSS ${Math.round((before ?? 0) / 1024)} → ${Math.round((agent.peakRssKiB() ?? 0) / 1024)} MiB`,
    },
    {
      id: "stdin-closed",
      what: "a handler that closes stdin while 900 KB of JSON is written to it is ok",
      handler: { command: [script("close-stdin.sh")], stdin: "json" },
      params: bigParams,
      outcome: "ok",
    },
    {
      id: "stdin-unread",
      what: "a handler that never reads its 900 KB of stdin JSON is ok",
      handler: { command: [fixture("ignore-stdin.sh")], stdin: "json" },
      params: bigParams,
      outcome: "ok",
    },
    {
      id: "segv",
      what: "a handler killed by SIGSEGV fails with the signal named",
      handler: { command: [script("kill-self.sh"), "SEGV"] },
      outcome: "failed",
      verify: all(reason(/^handler segv failed: killed by SIGSEGV$/), ({ result }) =>
        result.sidecar?.outcomes?.[0]?.signal === "SIGSEGV"
          ? []
          : ["sidecar outcome lacks signal SIGSEGV"],
      ),
    },
    {
      id: "sigkill",
      what: "a handler killed by SIGKILL fails with the signal named",
      handler: { command: [script("kill-self.sh"), "KILL"] },
      outcome: "failed",
      verify: reason(/^handler sigkill failed: killed by SIGKILL$/),
    },
    {
      id: "enoent",
      what: "a program removed after loading fails with ENOENT named",
      handler: { command: [vanishing] },
      afterLoad: () => rmSync(vanishing),
      outcome: "failed",
      verify: all(
        reason(
          /^handler enoent failed: cannot execute \S+vanishing\.sh: no such file or directory \(ENOENT\)$/,
        ),
        runError(/no such file or directory \(ENOENT\)/),
      ),
    },
    {
      id: "eacces",
      what: "a program made non-executable after loading fails with EACCES named",
      handler: { command: [closed] },
      afterLoad: () => chmodSync(closed, 0o644),
      outcome: "failed",
      verify: all(
        reason(
          /^handler eacces failed: cannot execute \S+closed\.sh: permission denied \(EACCES\)$/,
        ),
        runError(/permission denied \(EACCES\)/),
      ),
    },
    {
      id: "no-interpreter",
      what: "a script whose #! interpreter is missing fails, saying so",
      handler: { command: [noInterpreter] },
      outcome: "failed",
      verify: runError(/its interpreter \/nonexistent\/evh\/interpreter was not found \(ENOENT\)/),
    },
    {
      id: "no-shebang",
      what: "a script without #! runs under /bin/sh (ENOEXEC cannot happen)",
      handler: { command: [script("no-shebang.sh")] },
      outcome: "ok",
    },
    {
      id: "garbage",
      what: "an executable file of garbage fails with the shell's status",
      handler: { command: [garbage] },
      outcome: "failed",
      verify: ({ run }) => ([2, 126, 127].includes(run.exit_code) ? [] : [`exit ${run.exit_code}`]),
      figure: ({ run }) => `exit ${run.exit_code} from /bin/sh`,
    },
    {
      id: "close-output",
      what: "a handler that closes stdout and stderr at once and goes on is ok",
      handler: { command: [fixture("close-output.sh")] },
      outcome: "ok",
    },
    {
      id: "legacy-encoding",
      what: "encoding: cp1251 reaches the params file, stdin and output; the environment stays UTF-8",
      handler: {
        command: [fixture("legacy-encoding.sh"), legacy],
        stdin: "json",
        encoding: "cp1251",
      },
      params: { NEW_CONTACT_NAME: "Привет", NEW_CITY: "東京" },
      outcome: "ok",
      verify: ({ run }) => {
        const problems = [];
        const params = readFileSync(`${legacy}.params`);
        if (!params.includes(iconv.encode("NEW_CONTACT_NAME=Привет\n", "cp1251")))
          problems.push("params file is not cp1251");
        if (!params.includes(Buffer.from("NEW_CITY=??\n")))
          problems.push("a character cp1251 lacks is not ?");
        const stdin = iconv.decode(readFileSync(`${legacy}.stdin`), "cp1251");
        if (!stdin.includes('"NEW_CONTACT_NAME":"Привет"'))
          problems.push("stdin JSON is not cp1251");
        if (!readFileSync(`${legacy}.env`).equals(Buffer.from("Привет")))
          problems.push("the environment is not UTF-8");
        if (run.stdout !== "Пока\n")
          problems.push(`output decoded as ${JSON.stringify(run.stdout)}`);
        return problems;
      },
    },
  ];
}
