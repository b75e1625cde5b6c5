import { existsSync, linkSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
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
