import { utimesSync, writeFileSync } from "node:fs";
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

describe("intake of spool/new/", () => {
  test("an event renamed into new/ is handled and its file removed", async () => {
    const root = recordingRoot();
    await root.start();
    const name = root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } });
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to run");
    expect(ids(root.lines("runs"))).toEqual([eventIdOf(name)]);
    await waitFor(() => root.files("new").length === 0 && root.files("cur").length === 0);
    expect(root.files("failed")).toEqual([]);
  });

  test("tmp/ is never read, hidden names are left alone, other names go to failed/", async () => {
    const root = recordingRoot();
    await root.start();
    // A complete, valid event that its producer has not renamed yet.
    writeFileSync(root.path("spool/tmp/pending.json"), JSON.stringify({ event: "client_create" }));
    writeFileSync(root.path("spool/new/.hidden.json"), JSON.stringify({ event: "client_create" }));
    writeFileSync(root.path("spool/new/notes.txt"), "not an event\n");
    // Whatever is dropped after them is handled, so the agent has looked at new/ since.
    const last = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 1);
    await waitFor(() => root.files("failed").includes("notes.txt"));

    expect(ids(root.lines("runs"))).toEqual([eventIdOf(last)]);
    expect(root.files("tmp")).toEqual(["pending.json"]);
    expect(root.files("new")).toEqual([".hidden.json"]);
    expect(root.files("failed")).toEqual(["notes.txt", "notes.txt.error.json"]);
    expect(readSidecar(root, "notes.txt").reason).toBe("unsupported file type");
  });

  test("a backlog present at start is taken in mtime order, then byte order of names", async () => {
    const root = recordingRoot();
    const base = Date.now() / 1000 - 3600;
    // name → mtime offset: "b" is oldest; the others share an mtime, so byte order of
    // names decides ("B" before "a", unlike a locale's order).
    const backlog: [string, number][] = [
      ["c.json", 20],
      ["a.json", 20],
      ["B.json", 20],
      ["b.json", 10],
    ];
    for (const [name, offset] of backlog) {
      root.drop({ event: "client_create" }, name);
      utimesSync(root.path("spool/new", name), base + offset, base + offset);
    }
    // These events were renamed into new/ before the agent and its watcher existed, so no
    // watcher event will ever announce them: only listing new/ (at start and by the periodic
    // rescan) finds them. chokidar cannot be switched off from outside, so this is the
    // observable proof that intake does not depend on watcher events.
    await root.start();
    await waitFor(() => root.lines("runs").length === 4);
    expect(ids(root.lines("runs"))).toEqual(["b", "B", "a", "c"]);
  });

  test("many files quarantined while rescans run get exactly one sidecar each", async () => {
    // Rescans interleave with the claims: none may take a file that is being moved already.
    const root = recordingRoot();
    root.configure({ rescan_interval: "100ms" });
    await root.start();
    const names = Array.from({ length: 150 }, (_, i) => `note-${String(i).padStart(3, "0")}.txt`);
    for (const name of names) root.drop("not an event", name);
    await waitFor(() => root.files("new").length === 0, 20_000, "new/ to empty");
    await waitFor(() => root.files("failed").length >= 2 * names.length, 10_000, "sidecars");
    const expected = names.flatMap((n) => [n, `${n}.error.json`]).sort();
    expect(root.files("failed")).toEqual(expected);
  });
});
