import { execFile } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, runEvh, TEST_ENV } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();
const SECRET = "s3cret-value";

/** `bin/evh ARGS` on the root, run from inside it (paths in messages are then relative). */
function evh(root: E2eRoot, ...args: string[]) {
  return runEvh(args, { cwd: root.dir, env: { EVH_ROOT: root.dir } });
}

/** Runs `evh ARGS | head -1` in bash with pipefail: evh's own status counts. */
async function evhHeadOne(root: E2eRoot, args: string) {
  const { stdout, stderr } = await promisify(execFile)(
    "bash",
    ["-c", `set -o pipefail; '${EVH_BIN}' ${args} | head -1`],
    { cwd: root.dir, env: { ...process.env, ...TEST_ENV, EVH_ROOT: root.dir } },
  );
  return { stdout, stderr };
}

/**
 * A real agent run: `crm-sync` fails with 5000 bytes of stderr that end in
 * the event's password, `mailer` succeeds; a file that is no event is
 * quarantined. Then the agent stops and one more event waits in new/.
 */
async function failedRun(root: E2eRoot) {
  root.handler("10-crm.yaml", [
    {
      id: "crm-sync",
      event: "client_create",
      priority: "high",
      command: [fixtureScript("fail-with-stderr.sh"), "5000", "3"],
    },
    { id: "mailer", event: "client_create", command: [fixtureScript("exit-code.sh"), "0"] },
  ]);
  const agent = await root.start();
  const failed = root.drop(
    {
      event: "client_create",
      params: { NEW_LOGIN_NAME: "jdoe", NEW_CONTACT_NAME: "J. Doe", NEW_PASSWORD: SECRET },
    },
    "1000-failed.json",
  );
  const bad = root.drop("{not json", "2000-bad.json");
  await waitFor(() => root.files("failed").length === 4, 15_000, "two events in failed/");
  expect((await agent.stop()).code).toBe(0);
  const waiting = root.drop(
    { event: "domain_create", params: { NEW_DOMAIN_NAME: "shop.test" } },
    "3000-waiting.json",
  );
  return { failed, bad, waiting };
}

describe("the sidecar's stderr tail", () => {
  it("holds the last 4 KiB of a failed handler's stderr, redacted; none for the others", async () => {
    const root = newRoot();
    const { failed } = await failedRun(root);
    const outcomes = readSidecar(root, failed).outcomes ?? [];
    expect(outcomes.map((o) => [o.handler, o.outcome, o.exit_code, o.attempts])).toEqual([
      ["crm-sync", "failed", 3, 1],
      ["mailer", "ok", 0, 1],
    ]);
    const [crm, mailer] = outcomes;
    expect(Buffer.byteLength(crm?.stderr ?? "")).toBe(4096);
    expect(crm?.stderr).toMatch(/^e+\nlast words: password \*\*\* refused\n$/);
    expect(mailer?.stderr).toBe("");
    expect(
      readFileSync(root.path("spool", "failed", `${failed}.error.json`), "utf8"),
    ).not.toContain(SECRET);

    // evh show says why, with the params' secrets masked.
    const shown = await evh(root, "show", failed);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toBe("");
    expect(shown.stdout).not.toContain(SECRET);
    expect(shown.stdout).toContain("  NEW_PASSWORD=***\n");
    expect(shown.stdout).toContain(
      "reason:      handler crm-sync failed: exit 3\nhandlers:\n  crm-sync  failed, exit 3, 1 attempt\n    stderr:\n",
    );
    expect(shown.stdout).toContain(
      "      last words: password *** refused\n  mailer  ok, exit 0, 1 attempt\n",
    );
  });
});

describe("evh queue", () => {
  it("lists new/, cur/ and failed/ one a line, with --state and --json", async () => {
    const root = newRoot();
    const { failed, bad, waiting } = await failedRun(root);
    const all = await evh(root, "queue", "--json");
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual({
      events: [
        {
          name: waiting,
          state: "new",
          event: "domain_create",
          subject: "shop.test",
          age_s: expect.any(Number),
          reason: null,
        },
        ...[
          {
            name: failed,
            state: "failed",
            event: "client_create",
            subject: "jdoe",
            age_s: expect.any(Number),
            reason: "handler crm-sync failed: exit 3",
          },
          {
            name: bad,
            state: "failed",
            event: null,
            subject: null,
            age_s: expect.any(Number),
            reason: expect.stringMatching(/^invalid JSON/),
          },
        ].sort((a, b) => (a.name < b.name ? -1 : 1)),
      ].map((e) => expect.objectContaining(e)),
    });
    const human = await evh(root, "queue", "--state", "failed");
    const lines = human.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +EVENT +SUBJECT +AGE +STATE +REASON$/);
    expect(lines.slice(1).sort()).toEqual([
      expect.stringMatching(
        /^1000-failed\.json +client_create +jdoe +\d+s +failed +handler crm-sync failed: exit 3$/,
      ),
      expect.stringMatching(/^2000-bad\.json +- +- +\d+s +failed +invalid JSON/),
    ]);
    expect(await evhHeadOne(root, "queue")).toEqual({
      stdout: expect.stringMatching(/^NAME +EVENT +SUBJECT +AGE +STATE +REASON\n$/),
      stderr: "",
    });
    const bogus = await evh(root, "queue", "--state", "done");
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe(
      "evh: option '--state <state>' argument 'done' is invalid. Allowed choices are new, cur, failed. (--help shows the usage)\n",
    );
  });
});

describe("evh show", () => {
  it("pins the JSON shape, reads a file that is no event, and refuses a path", async () => {
    const root = newRoot();
    const { failed, bad, waiting } = await failedRun(root);
    const json = JSON.parse((await evh(root, "show", "--json", failed)).stdout);
    expect(json).toEqual({
      name: failed,
      state: "failed",
      file: root.path("spool", "failed", failed),
      age_s: expect.any(Number),
      event: {
        event: "client_create",
        id: null,
        event_id: "1000-failed",
        occurred_at: expect.any(String),
        key: null,
        subject: "jdoe",
        params: { NEW_LOGIN_NAME: "jdoe", NEW_CONTACT_NAME: "J. Doe", NEW_PASSWORD: "***" },
      },
      unreadable: null,
      failure: {
        reason: "handler crm-sync failed: exit 3",
        detail: "handler crm-sync failed: exit 3",
        at: expect.any(String),
      },
      outcomes: [
        {
          handler: "crm-sync",
          outcome: "failed",
          exit_code: 3,
          signal: null,
          attempts: 1,
          stderr: expect.stringMatching(/password \*\*\* refused\n$/),
        },
        { handler: "mailer", outcome: "ok", exit_code: 0, signal: null, attempts: 1, stderr: "" },
      ],
    });
    const unreadable = JSON.parse((await evh(root, "show", "--json", bad)).stdout);
    expect(unreadable.event).toBeNull();
    expect(unreadable.unreadable).toMatch(/^invalid JSON/);
    expect(unreadable.failure.reason).toBe(unreadable.unreadable);
    const fresh = JSON.parse((await evh(root, "show", "--json", waiting)).stdout);
    expect([fresh.state, fresh.failure, fresh.outcomes]).toEqual(["new", null, []]);

    for (const name of ["../var/journal.jsonl", "..", `spool/failed/${failed}`]) {
      const refused = await evh(root, "show", name);
      expect({ name, code: refused.code }).toEqual({ name, code: 2 });
    }
    const unknown = await evh(root, "show", "nope.json");
    expect(unknown).toEqual({
      code: 1,
      stdout: "",
      stderr: "evh: no event nope.json in spool/{new,cur,failed}; evh queue lists them\n",
    });
  });
});

describe("evh purge", () => {
  it("deletes failed events and their sidecars, all or nothing, never through a link", async () => {
    const root = newRoot();
    const { failed, bad, waiting } = await failedRun(root);
    const outside = root.path("outside.txt");
    writeFileSync(outside, "keep me");
    symlinkSync(outside, root.path("spool", "failed", "4000-link.json"));

    for (const args of [["../new/x.json"], [`failed/${failed}`], [".."], []]) {
      expect((await evh(root, "purge", ...args)).code).toBe(2);
    }
    expect((await evh(root, "purge", "--older-than", "1h")).code).toBe(2);
    const typo = await evh(root, "purge", failed, "nope.json", waiting);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      `evh: not in spool/failed: nope.json, ${waiting}; nothing was purged (evh queue --state failed lists the failures)\n`,
    );
    expect(root.files("failed")).toHaveLength(5);

    expect(await evh(root, "purge", `${failed}.error.json`, "4000-link.json")).toEqual({
      code: 0,
      stdout: `${failed}\n4000-link.json\n`,
      stderr: "",
    });
    expect(root.files("failed")).toEqual([bad, `${bad}.error.json`]);
    expect(readFileSync(outside, "utf8")).toBe("keep me");

    // Failed a moment ago: not older than an hour.
    expect(await evh(root, "purge", "--failed", "--older-than", "1h")).toEqual({
      code: 0,
      stdout: "",
      stderr: "evh: no failed events to purge in spool/failed\n",
    });
    expect((await evh(root, "purge", "--failed")).stdout).toBe(`${bad}\n`);
    expect(root.files("failed")).toEqual([]);
    expect(root.files("new")).toEqual([waiting]);
  });
});

describe("evh status", () => {
  it("lists the running handlers with their elapsed time, the root lock, and how many failures more", async () => {
    const root = newRoot();
    root.handler("slow.yaml", {
      id: "slow",
      event: "client_create",
      user: "root",
      command: [fixtureScript("hang-until.sh"), root.out("runs"), root.out("release")],
    });
    const agent = await root.start();
    const name = root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } });
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to start");
    const report = JSON.parse((await evh(root, "status", "--json")).stdout);
    expect(report.agent).toEqual({ running: true, pid: agent.pid });
    expect(report.running).toEqual([
      {
        event: name,
        handler: "slow",
        started_at: expect.any(String),
        elapsed_s: expect.any(Number),
      },
    ]);
    expect(report.root_lock).toEqual({
      set: false,
      file: root.path("var", "root.event_handler.lock"),
    });
    const human = (await evh(root, "status")).stdout;
    expect(human).toMatch(
      new RegExp(`\\nrunning now:\\n  ELAPSED +HANDLER +EVENT\\n  \\d+s +slow +${name}\\n`),
    );

    writeFileSync(root.out("release"), "");
    await waitFor(() => root.files("cur").length === 0, 10_000, "the event to end");
    await waitFor(
      async () => JSON.parse((await evh(root, "status", "--json")).stdout).running.length === 0,
      10_000,
      "status to show no running handler",
    );

    writeFileSync(root.path("var", "root.event_handler.lock"), "");
    for (let i = 10; i < 22; i++) {
      root.write(`spool/failed/${i}.json`, "{}");
      root.write(
        `spool/failed/${i}.json.error.json`,
        JSON.stringify({ reason: `r${i}`, detail: "", at: `2026-01-01T10:00:${i}.000Z` }),
      );
    }
    const locked = JSON.parse((await evh(root, "status", "--json")).stdout);
    expect(locked.root_lock.set).toBe(true);
    expect(locked.last_failures.map((f: { file: string }) => f.file)).toEqual(
      Array.from({ length: 10 }, (_, i) => `${21 - i}.json`),
    );
    expect(locked.more_failures).toBe(2);
    const text = (await evh(root, "status")).stdout;
    expect(text).toContain(
      "root lock: set (var/root.event_handler.lock): handlers that run as root are refused\n",
    );
    expect(text).toContain("\n  ... and 2 more (evh queue --state failed lists them all)\n");
    expect(existsSync(root.path("var", "running.json"))).toBe(true);
  });
});
