import { existsSync, utimesSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { startAgent } from "../helpers/evh-process.js";
import { type CliRoot, errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

/** A failed event with its sidecar, as the agent leaves it. */
function failed(root: CliRoot, name: string, reason: string, at: string): void {
  root.write(`spool/failed/${name}`, '{"event":"client_create"}\n');
  root.write(
    `spool/failed/${name}.error.json`,
    `${JSON.stringify({ reason, detail: "", at, outcomes: [] })}\n`,
  );
}

describe("evh status", () => {
  it("refuses a root that is not one, naming it and how it was chosen (exit 1)", async () => {
    const root = newRoot();
    const r = await root.evh("status", "--root", "/nonexistent");
    expect(r).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "evh: /nonexistent is not an evh root (no evh.yaml, no handlers.d/; chosen by --root); create one with `evh init DIR` or name another with --root\n",
    });
  });

  it("reports an idle, empty root (exit 0)", async () => {
    const root = newRoot();
    const r = await root.evh("status", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      root: { dir: root.dir, why: "$EVH_ROOT" },
      agent: { running: false, pid: null },
      root_lock: { set: false, file: root.path("var", "root.event_handler.lock") },
      running: [],
      counts: { new: 0, cur: 0, failed: 0 },
      oldest_new_age_s: null,
      last_failures: [],
      more_failures: 0,
    });
    const human = await root.evh("status");
    expect(human.stdout).toBe(
      `root:   ${root.dir}  (chosen by: $EVH_ROOT)\n` +
        "agent:  not running\nroot lock: not set\n" +
        "spool:  0 new, 0 in progress (cur), 0 failed  [spool]\n",
    );
  });

  it("counts events but not sidecars or hidden files, and lists the newest failures first", async () => {
    const root = newRoot();
    const old = root.write("spool/new/a.json", "{}");
    utimesSync(old, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    root.write("spool/new/b.json", "{}");
    root.write("spool/new/.gitkeep", "");
    root.write("spool/cur/c.json", "{}");
    failed(root, "x.json", "handler crm failed: exit 3", "2026-01-01T10:00:00.000Z");
    failed(root, "y.json", "invalid JSON at line 1 column 2", "2026-01-02T10:00:00.000Z");
    const r = await root.evh("status", "--json");
    const report = JSON.parse(r.stdout);
    expect(report.counts).toEqual({ new: 2, cur: 1, failed: 2 });
    expect(report.oldest_new_age_s).toBeGreaterThanOrEqual(119);
    expect(report.oldest_new_age_s).toBeLessThan(200);
    expect(report.last_failures).toEqual([
      { file: "y.json", reason: "invalid JSON at line 1 column 2", at: "2026-01-02T10:00:00.000Z" },
      { file: "x.json", reason: "handler crm failed: exit 3", at: "2026-01-01T10:00:00.000Z" },
    ]);
  });

  it("lists every failed event, one without its sidecar too, and no sidecar without its event", async () => {
    const root = newRoot();
    failed(root, "x.json", "handler crm failed: exit 3", "2026-01-01T10:00:00.000Z");
    // Its sidecar was never written (a name too long for the suffix) or removed by hand.
    const bare = root.write("spool/failed/y.json", "{}");
    utimesSync(bare, new Date("2026-01-02T10:00:00.000Z"), new Date("2026-01-02T10:00:00.000Z"));
    // A report whose event is gone (purged or retried by hand): nothing to list.
    root.write(
      "spool/failed/z.json.error.json",
      JSON.stringify({ reason: "orphan", at: "2026-01-03T10:00:00.000Z" }),
    );
    const report = JSON.parse((await root.evh("status", "--json")).stdout);
    expect(report.counts.failed).toBe(2);
    expect(report.last_failures).toEqual([
      { file: "y.json", reason: "(no sidecar)", at: "2026-01-02T10:00:00.000Z" },
      { file: "x.json", reason: "handler crm failed: exit 3", at: "2026-01-01T10:00:00.000Z" },
    ]);
  });

  it("shows running handlers only from the running agent's own file", async () => {
    const root = newRoot();
    const agent = await startAgent(root.dir);
    try {
      const run = { event: "a.json", handler: "h", started_at: "2026-01-01T10:00:00.000Z" };
      // Left by an agent that crashed: another pid.
      root.write("var/running.json", JSON.stringify({ pid: agent.pid + 1, running: [run] }));
      expect(JSON.parse((await root.evh("status", "--json")).stdout).running).toEqual([]);
      root.write("var/running.json", JSON.stringify({ pid: agent.pid, running: [run] }), 0o600);
      expect(JSON.parse((await root.evh("status", "--json")).stdout).running).toEqual([
        { ...run, elapsed_s: expect.any(Number) },
      ]);
    } finally {
      expect((await agent.stop()).code).toBe(0);
    }
  });

  it("names the running agent's pid", async () => {
    const root = newRoot();
    const agent = await startAgent(root.dir);
    try {
      const report = JSON.parse((await root.evh("status", "--json")).stdout);
      expect(report.agent).toEqual({ running: true, pid: agent.pid });
    } finally {
      expect((await agent.stop()).code).toBe(0);
    }
  });
});

describe("evh retry", () => {
  it("moves named failed events back to new/, removing their sidecars", async () => {
    const root = newRoot();
    failed(root, "x.json", "handler crm failed: exit 3", "2026-01-01T10:00:00.000Z");
    failed(root, "y.json", "handler crm failed: exit 3", "2026-01-01T10:00:00.000Z");
    const r = await root.evh("retry", "x.json");
    expect(r).toEqual({ code: 0, stdout: `${root.path("spool", "new", "x.json")}\n`, stderr: "" });
    expect(root.names("spool/new")).toEqual(["x.json"]);
    expect(root.names("spool/failed")).toEqual(["y.json", "y.json.error.json"]);
    // A sidecar's name, as status and ls show it, stands for its event.
    const bySidecar = await root.evh("retry", "spool/failed/y.json.error.json");
    expect(bySidecar.code).toBe(0);
    expect(root.names("spool/failed")).toEqual([]);
  });

  it("retries nothing when one name is unknown (exit 1, naming it)", async () => {
    const root = newRoot();
    failed(root, "x.json", "r", "2026-01-01T10:00:00.000Z");
    const r = await root.evh("retry", "x.json", "nope.json");
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      "evh: not in spool/failed: nope.json; nothing was retried (evh status lists the failures)",
    );
    expect(existsSync(root.path("spool", "failed", "x.json.error.json"))).toBe(true);
    expect(root.names("spool/new")).toEqual([]);
  });

  it("--all retries every failed event; names and --all are exclusive", async () => {
    const root = newRoot();
    failed(root, "x.json", "r", "2026-01-01T10:00:00.000Z");
    failed(root, "y.yaml", "r", "2026-01-01T10:00:00.000Z");
    const r = await root.evh("retry", "--all");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual([
      root.path("spool", "new", "x.json"),
      root.path("spool", "new", "y.yaml"),
    ]);
    expect(root.names("spool/failed")).toEqual([]);
    const none = await root.evh("retry", "--all");
    expect(none).toEqual({
      code: 0,
      stdout: "",
      stderr: "evh: no failed events in spool/failed\n",
    });
    const both = await root.evh("retry", "x.json", "--all");
    expect(both.code).toBe(2);
    expect(errorLine(both)).toBe("evh: give event names or --all, not both");
    const neither = await root.evh("retry");
    expect(neither.code).toBe(2);
  });
});
