import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { isProcessAlive } from "../../src/execute/process-session.js";
import { withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

/*
 * The crash stories of docs/architecture.md, "Launchers", with the real
 * bin/evh: handlers are started by launcher processes, and killing either
 * side loses no event and leaves nothing running unaccounted for.
 */

const newRoot = useE2eRoots();

/** The agent's launchers: its children running dist/launcher/main.js. */
function launchersOf(agentPid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return (
          ppid === agentPid &&
          readFileSync(`/proc/${pid}/cmdline`, "latin1").includes("launcher/main.js")
        );
      } catch {
        return false;
      }
    });
}

describe("launchers", () => {
  test("the agent never forks a handler: its launchers do, as many as concurrency and cores allow", async () => {
    const root = newRoot({ concurrency: 2 });
    root.handler("10-parent.yaml", {
      event: "client_create",
      command: ["/bin/sh", "-c", `echo $PPID >> ${root.out("parents")}`],
    });
    const agent = await root.start();
    const pid = agent.child.pid as number;
    const launchers = await waitFor(
      () => {
        const found = launchersOf(pid);
        return found.length === 2 ? found : undefined;
      },
      20_000,
      "two launchers",
    );
    for (let i = 0; i < 6; i++)
      root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: `u${i}` } });
    await waitFor(() => root.lines("parents").length === 6, 30_000, "six runs");
    const parents = new Set(root.lines("parents").map(Number));
    expect(parents.has(pid)).toBe(false);
    for (const parent of parents) expect(launchers).toContain(parent);
  });

  test("agent killed with kill -9: its launchers stop the running handlers and end; a restart runs the event again", {
    timeout: 60_000,
  }, async () => {
    const root = newRoot();
    root.handler("10-hold.yaml", {
      event: "client_create",
      command: ["/bin/sh", "-c", `echo $$ >> ${root.out("pids")}; exec sleep 1000000`],
    });
    let agent = await root.start();
    const pid = agent.child.pid as number;
    const launchers = await waitFor(
      () => {
        const found = launchersOf(pid);
        return found.length > 0 ? found : undefined;
      },
      20_000,
      "a launcher",
    );
    root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "bob" } });
    const [first] = (await waitFor(
      () => root.lines("pids").length === 1 && root.lines("pids"),
      20_000,
      "the handler running",
    )) as string[];
    agent.child.kill("SIGKILL");
    await agent.exited;
    await waitFor(
      () => !isProcessAlive(Number(first)),
      20_000,
      "the handler stopped by its launcher",
    );
    await waitFor(() => launchers.every((l) => !isProcessAlive(l)), 20_000, "the launchers gone");

    agent = await root.start();
    await waitFor(() => root.lines("pids").length === 2, 20_000, "the event run again");
    expect(root.files("cur")).toHaveLength(1);
  });

  test("a launcher killed with kill -9 mid-burst: every event runs, repeats only for runs it held, and the log says so", {
    timeout: 90_000,
  }, async () => {
    const root = newRoot({ concurrency: 2 });
    root.handler("10-record.yaml", {
      event: "client_create",
      command: [fixtureScript("record-run.sh"), root.out("runs"), "0", "0.05"],
    });
    const agent = await root.start();
    const pid = agent.child.pid as number;
    await waitFor(() => launchersOf(pid).length === 2, 20_000, "two launchers");
    const names = Array.from({ length: 40 }, (_, i) =>
      root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: `user${i}` } }),
    );
    await waitFor(() => root.lines("runs").length >= 10, 30_000, "ten runs");
    const [victim] = launchersOf(pid);
    process.kill(victim as number, "SIGKILL");

    await waitFor(
      () => root.files("cur").length === 0 && root.files("new").length === 0,
      60_000,
      "every event handled",
    );
    const counts = new Map<string, number>();
    for (const line of root.lines("runs")) {
      const id = line.split(" ")[0] as string;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const name of names) expect(counts.get(eventIdOf(name)), name).toBeGreaterThanOrEqual(1);
    const repeats = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    // A launcher holds at most `concurrency` runs; each is repeated once at most.
    expect(repeats).toBeLessThanOrEqual(2);
    expect(root.files("failed")).toEqual([]);
    const lines = withMessage(root.logFile, `(pid ${victim}) was killed by SIGKILL`);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe("warn");
    expect(lines[0]?.message).toMatch(/restarting it$/);
    await waitFor(() => launchersOf(pid).length === 2, 20_000, "the launcher replaced");
  });
});
