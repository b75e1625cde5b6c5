import { describe, expect, test } from "vitest";
import { eventIdOf } from "../helpers/drop-event.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import type { AgentProcess } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

const CONCURRENCY = 2;
const KILLS = 4;
const EVENTS = 300;
/** Events waiting at the first start; the rest arrive while the agent runs, between kills. */
const BACKLOG = 150;
/** handler id → seconds it sleeps before recording its run: some slow-ish, one instant. */
const HANDLERS: Record<string, string> = { fast: "0", medium: "0.005", slow: "0.01" };

/** Drops events numbered [from, to), each with its own subject (so concurrency applies). */
function dropEvents(root: E2eRoot, from: number, to: number, names: string[]): void {
  for (let i = from; i < to; i++) {
    names.push(root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: `user${i}` } }));
  }
}

/** "<event id> <handler id>" → how many times it ran. */
function countRuns(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const [event, handler] = line.split(" ");
    const pair = `${event} ${handler}`;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

describe("crash safety", () => {
  test(`kill -9 at ${KILLS} random moments: every handler runs for every event, repeats only for runs in flight`, {
    timeout: 90_000,
  }, async () => {
    const root = newRoot({ concurrency: CONCURRENCY });
    root.handler(
      "10-record.yaml",
      Object.entries(HANDLERS).map(([id, seconds]) => ({
        id,
        event: "*",
        command: [fixtureScript("record-run.sh"), root.out("runs"), "0", seconds],
      })),
    );
    const names: string[] = [];
    dropEvents(root, 0, BACKLOG, names);
    const perBatch = Math.ceil((EVENTS - BACKLOG) / KILLS);
    // Progress (run records) to wait for before each kill: random, so kills land anywhere.
    const thresholds = Array.from({ length: KILLS }, () => 30 + Math.floor(Math.random() * 120));
    const story = `kill thresholds ${thresholds.join(", ")}`;

    let agent: AgentProcess = await root.start();
    for (const [k, progress] of thresholds.entries()) {
      const before = root.lines("runs").length;
      dropEvents(
        root,
        BACKLOG + k * perBatch,
        Math.min(EVENTS, BACKLOG + (k + 1) * perBatch),
        names,
      );
      await waitFor(
        () => root.lines("runs").length >= before + progress,
        30_000,
        `${progress} more runs (${story})`,
      );
      agent.child.kill("SIGKILL");
      await agent.exited;
      agent = await root.start();
    }
    expect(names).toHaveLength(EVENTS);

    const pairs = names.flatMap((n) => Object.keys(HANDLERS).map((h) => `${eventIdOf(n)} ${h}`));
    await waitFor(
      () => {
        const counts = countRuns(root.lines("runs"));
        return pairs.every((p) => counts.has(p)) && root.files("cur").length === 0;
      },
      45_000,
      `every handler to run for every event (${story})`,
    );
    await agent.stop();

    const counts = countRuns(root.lines("runs"));
    const repeated = [...counts].filter(([, n]) => n > 1);
    const extraRuns = repeated.reduce((sum, [, n]) => sum + n - 1, 0);
    expect(
      { extraRuns, within: extraRuns <= CONCURRENCY * KILLS, repeated, story },
      "only runs in flight at a kill may repeat: at most concurrency × kills",
    ).toMatchObject({ within: true });
    expect([...counts.keys()].sort()).toEqual([...pairs].sort());
    expect(root.files("new")).toEqual([]);
    expect(root.files("cur")).toEqual([]);
    expect(root.files("failed")).toEqual([]);
  });
});
