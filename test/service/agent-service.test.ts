import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, renameSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, TEST_ENV } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();
const LOGROTATE = fileURLToPath(new URL("../../examples/logrotate", import.meta.url));

/** The shell text between `postrotate` and `endscript`: what logrotate runs. */
function postrotateScript(): string {
  const text = readFileSync(LOGROTATE, "utf8");
  const match = /^\s*postrotate\n([\s\S]*?)^\s*endscript/m.exec(text);
  if (!match?.[1]) throw new Error("examples/logrotate has no postrotate script");
  return match[1];
}

describe("the agent under a service manager", () => {
  test("console lines to the journal carry a syslog priority and no timestamp (SPEC §8)", async () => {
    const root = newRoot();
    root.handler("bad.yaml", "event: [\n");
    const console = root.path("console.txt");
    const fd = openSync(console, "w");
    const { dev, ino } = fstatSync(fd);
    const child = spawn(EVH_BIN, ["run", "--root", root.dir], {
      env: { ...process.env, ...TEST_ENV, JOURNAL_STREAM: `${dev}:${ino}` },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await waitFor(() => readFileSync(console, "utf8").includes("agent ready"), 15_000, "ready");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
    const lines = readFileSync(console, "utf8").trimEnd().split("\n");
    expect(lines.find((l) => l.includes("agent ready"))).toMatch(/^<6>agent ready/);
    expect(lines.find((l) => l.includes("bad.yaml"))).toMatch(/^<3>handlers\.d\/bad\.yaml:/);
    for (const line of lines) expect(line).toMatch(/^<[3467]>/);
  });

  test("a JOURNAL_STREAM naming another stream (inherited) keeps the plain lines", async () => {
    const root = newRoot();
    const agent = await root.start([], { env: { JOURNAL_STREAM: "1:1" } });
    await agent.stop();
    expect(agent.output()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z info {2}/m);
    expect(agent.output()).not.toContain("<6>");
  });

  test("SIGHUP reopens the log file, whose first line says so", async () => {
    const root = newRoot();
    const agent = await root.start();
    renameSync(root.logFile, `${root.logFile}.1`);
    agent.child.kill("SIGHUP");
    await waitFor(() => existsSync(root.logFile), 10_000, "a new evh.log");
    const first = JSON.parse(readFileSync(root.logFile, "utf8").split("\n")[0] ?? "");
    expect(first.message).toBe(`log file ${root.logFile} reopened`);
    await agent.stop();
  });

  test.skipIf(!isRoot)(
    `examples/logrotate's postrotate signals an agent where systemd is not PID 1${ROOT_ONLY}`,
    () => {
      const root = newRoot();
      root.configure();
      // A PID namespace of its own: the script's pkill sees this agent only, not
      // agents of other tests or of the machine.
      const script = `
        "$EVH_BIN" run --root "$ROOT" >/dev/null 2>&1 &
        agent=$!
        wait_for() { i=0; until grep -q "$1" "$2" 2>/dev/null; do
          i=$((i + 1)); [ $i -gt 300 ] && { echo "no '$1' in $2"; kill $agent; exit 1; }; sleep 0.1; done; }
        wait_for "agent ready" "$LOG"
        mv "$LOG" "$LOG.1"
        ${postrotateScript()}
        wait_for "reopened" "$LOG"
        kill -TERM $agent; wait $agent
      `;
      const result = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "sh", "-c", script], {
        env: { ...process.env, ...TEST_ENV, EVH_BIN, ROOT: root.dir, LOG: root.logFile },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(readFileSync(root.logFile, "utf8")).toContain(`log file ${root.logFile} reopened`);
      expect(readFileSync(`${root.logFile}.1`, "utf8")).toContain("agent ready");
    },
    70_000,
  );
});

/** systemd-analyze, when the machine has it (Debian's `systemd` package). */
const analyze = spawnSync("systemd-analyze", ["--version"]).status === 0;
const NO_ANALYZE = analyze ? "" : " (skipped: no systemd-analyze; apt-get install systemd)";
const UNITS = ["evh.service", "evh-unprivileged.service"];

describe.skipIf(!analyze)(`the systemd units in examples/${NO_ANALYZE}`, () => {
  for (const unit of UNITS) {
    test(`${unit} passes systemd-analyze verify`, () => {
      const root = newRoot();
      // verify checks that ExecStart= is executable: point it at this checkout's bin/evh.
      const text = readFileSync(new URL(`../../examples/${unit}`, import.meta.url), "utf8");
      const copy = root.write(`units/${unit}`, text.replaceAll("/usr/bin/evh", EVH_BIN));
      const result = spawnSync("systemd-analyze", ["verify", "--man=no", copy], {
        encoding: "utf8",
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    });
  }

  test("the exposure scores are the ones docs/operations.md gives", () => {
    const docs = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
    for (const unit of UNITS) {
      const file = fileURLToPath(new URL(`../../examples/${unit}`, import.meta.url));
      const out = execFileSync("systemd-analyze", ["security", "--offline=true", file], {
        encoding: "utf8",
      });
      const score = /Overall exposure level for \S+: ([\d.]+)/.exec(out)?.[1];
      expect(Number(score)).toBeLessThan(5);
      expect(docs).toContain(`\`${unit}\`: ${score}`);
    }
  });
});
