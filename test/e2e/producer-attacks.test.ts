import { spawnSync } from "node:child_process";
import {
  existsSync,
  linkSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { eventIdOf } from "../helpers/drop-event.js";
import { FAST_SETTINGS, useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, runEvh } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { evhReachableByOthers } from "../helpers/reachable.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

/** A root whose one handler appends the id of every event it sees to out/runs. */
function recordingRoot() {
  const root = newRoot();
  root.handler("10-record.yaml", {
    id: "record",
    event: "*",
    command: [fixtureScript("record-run.sh"), root.out("runs")],
  });
  return root;
}

const ids = (lines: string[]) => lines.map((line) => line.split(" ")[0]);

describe("what a producer plants in the spool (SPEC §2)", () => {
  test("a symlink named like a sidecar temp file is never written through", async () => {
    const root = recordingRoot();
    const agent = await root.start();
    // The file a root agent must never write: outside the spool, named by the producer.
    const victim = root.path("victim");
    writeFileSync(victim, "untouched\n");
    // Every temp name an agent of this pid could choose, as far as a producer can guess it.
    for (const name of [`x.json.error.json.tmp-${agent.pid}`, "x.json.error.json.tmp"]) {
      symlinkSync(victim, root.path("spool/new", name));
    }
    await waitFor(() => root.files("new").length === 0, 10_000, "the links to be quarantined");
    root.drop("{not json", "x.json");
    await waitFor(
      () => root.files("failed").includes("x.json.error.json"),
      10_000,
      "x.json placed",
    );

    expect(readFileSync(victim, "utf8")).toBe("untouched\n");
    expect(readSidecar(root, "x.json").reason).toMatch(/JSON/);
    // The links are quarantined as what they are, and the rest runs.
    const last = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 1);
    expect(ids(root.lines("runs"))).toEqual([eventIdOf(last)]);
    expect(readSidecar(root, `x.json.error.json.tmp-${agent.pid}`).reason).toBe(
      "not a regular file: symbolic link",
    );
  });

  test("a file with a second hard link is refused unread", async () => {
    const root = recordingRoot();
    await root.start();
    // A valid event under another name the producer keeps (it could be any file of hers).
    const other = root.path("other.json");
    writeFileSync(other, JSON.stringify({ event: "client_create" }));
    linkSync(other, root.path("spool/new/linked.json"));
    await waitFor(() => root.files("failed").includes("linked.json.error.json"));

    expect(readSidecar(root, "linked.json").reason).toBe(
      "refused unread: the file has more than one hard link",
    );
    const last = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 1);
    expect(ids(root.lines("runs"))).toEqual([eventIdOf(last)]);
    expect(existsSync(other)).toBe(true);
  });

  test("a Maildir link-then-unlink delivery runs: two names for a moment are not refused", async () => {
    const root = recordingRoot();
    await root.start();
    const tmp = root.path("spool/tmp/m.json");
    writeFileSync(tmp, JSON.stringify({ event: "client_create" }));
    linkSync(tmp, root.path("spool/new/m.json"));
    await new Promise((resolve) => setImmediate(resolve));
    rmSync(tmp);
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the delivered event to run");
    expect(ids(root.lines("runs"))).toEqual(["m"]);
    expect(root.files("failed")).toEqual([]);
  });

  test("three bad events with the same 255-byte name get unique places; the others run, across a restart", async () => {
    const root = recordingRoot();
    let agent = await root.start();
    const long = `${"a".repeat(250)}.json`; // NAME_MAX: no room for a ".1" suffix
    const ran: string[] = [];
    for (let copy = 1; copy <= 3; copy++) {
      root.drop("{not json", long);
      ran.push(eventIdOf(root.drop({ event: "client_create" })));
      await waitFor(
        () => root.files("failed").length === copy && root.lines("runs").length === copy,
        15_000,
        `copy ${copy} to be placed and the event after it to run`,
      );
    }
    const failed = root.files("failed");
    expect(failed).toContain(long);
    expect(new Set(failed).size).toBe(3);
    for (const name of failed) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(root.files("new")).toEqual([]);

    await agent.stop();
    agent = await root.start();
    root.drop("{not json", long);
    ran.push(eventIdOf(root.drop({ event: "client_create" })));
    await waitFor(() => root.files("failed").length === 4 && root.lines("runs").length === 4);
    expect(ids(root.lines("runs"))).toEqual(ran);
  });
});

describe("who may write the spool (SPEC §2)", () => {
  test("the agent warns at start when tmp/ or new/ can be read by other users", async () => {
    const root = recordingRoot(); // the test root makes them 0755
    const agent = await root.start();
    await agent.waitForOutput(`${root.path("spool/new")} can be read or written by other users`);
    expect(agent.output()).toContain(`${root.path("spool/tmp")} can be read or written`);
  });

  const others = evhReachableByOthers(EVH_BIN);
  test.runIf(isRoot && others.reachable)(
    `producer_group: a producer in the group emits, but cannot list new/ nor read events${ROOT_ONLY}${others.note}`,
    async () => {
      const root = recordingRoot();
      root.configure({ ...FAST_SETTINGS, producer_group: "nogroup" });
      const agent = await root.start();
      for (const dir of ["tmp", "new"]) {
        const stats = statSync(root.path("spool", dir));
        expect(stats.mode & 0o7777).toBe(0o1730);
        expect([stats.uid, stats.gid]).toEqual([0, 65534]);
      }
      expect(agent.output()).not.toContain("can be read or written by other users");
      // The producer: user nobody, in the producer group only.
      const asProducer = (args: string[]) =>
        spawnSync(EVH_BIN, args, {
          uid: 65534,
          gid: 65534,
          env: { ...process.env, EVH_ROOT: root.dir, NO_COLOR: "1" },
          encoding: "utf8",
          timeout: 30_000,
        });
      const emitted = asProducer([
        "emit",
        "client_create",
        "NEW_LOGIN_NAME=jdoe",
        "NEW_CONTACT_NAME=J",
      ]);
      expect(emitted.stderr).toBe("");
      expect(emitted.status).toBe(0);
      await waitFor(() => root.lines("runs").length === 1, 10_000, "the producer's event to run");
      expect(ids(root.lines("runs"))).toEqual([eventIdOf(path.basename(emitted.stdout.trim()))]);
      // Another producer (the same group) cannot see what waits in new/.
      const listed = spawnSync("ls", [root.path("spool/new")], { uid: 65534, gid: 65534 });
      expect(listed.status).not.toBe(0);
      expect(String(listed.stderr)).toMatch(/permission denied/i);
      // Nor read an event another producer emitted (the agent stopped, so it waits there).
      await agent.stop();
      const other = await runEvh(["emit", "client_create", "NEW_PASSWORD=s3cret"], {
        env: { EVH_ROOT: root.dir },
      });
      const read = spawnSync("cat", [other.stdout.trim()], { uid: 65534, gid: 65534 });
      expect(String(read.stderr)).toMatch(/permission denied/i);
    },
  );
});
