import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { describe, expect, test } from "vitest";
import { readLog, runsIn, waitForLog } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { type Settings, useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readEnvDump } from "../helpers/nul-list.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

function recordingRoot(settings: Settings = {}) {
  const root = newRoot(settings);
  root.handler("10-record.yaml", {
    id: "record",
    event: "*",
    command: [fixtureScript("record-run.sh"), root.out("runs")],
  });
  return root;
}

const GOOD = { event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } };

/** A reason as it must read: exactly, or matching a pattern. */
const reasonLike = (reason: string | RegExp) =>
  typeof reason === "string" ? reason : expect.stringMatching(reason);

describe("event files as the agent decodes them", () => {
  test("bad files go to failed/ with their reason, and a good event after each is still handled", async () => {
    const root = recordingRoot({ max_event_size: 1024 });
    await root.start();
    // Non-files are made in tmp/ and renamed into new/, like any event: they appear whole.
    const viaTmp = (name: string, make: (tmpPath: string) => void) => {
      make(root.path("spool/tmp", name));
      renameSync(root.path("spool/tmp", name), root.path("spool/new", name));
    };
    const target = root.write("out/target.json", JSON.stringify(GOOD));
    const bad: [name: string, drop: () => void, reason: string | RegExp][] = [
      ["bad-json.json", () => root.drop("{not json", "bad-json.json"), /^invalid JSON at line 1/],
      [
        "bad-utf8.json",
        () => root.drop(Buffer.from([0x7b, 0x22, 0x65, 0xff, 0x22, 0x7d]), "bad-utf8.json"),
        "invalid UTF-8 at byte offset 3",
      ],
      ["no-event.json", () => root.drop({ params: {} }, "no-event.json"), /^missing "event"/],
      [
        "list-param.yaml",
        () => root.drop("event: client_create\nparams:\n  A: [1]\n", "list-param.yaml"),
        /^param A value is a list/,
      ],
      [
        "link.json",
        () => viaTmp("link.json", (p) => symlinkSync(target, p)),
        "not a regular file: symbolic link",
      ],
      [
        // Opening a FIFO for reading would block until a writer comes: it must not be opened.
        "fifo.json",
        () => viaTmp("fifo.json", (p) => execFileSync("mkfifo", [p])),
        "not a regular file: FIFO",
      ],
      ["dir.json", () => viaTmp("dir.json", (p) => mkdirSync(p)), "not a regular file: directory"],
      ["notes.txt", () => root.drop("hello", "notes.txt"), "unsupported file type"],
      [
        "big.json",
        () => root.drop({ event: "client_create", params: { A: "x".repeat(2000) } }, "big.json"),
        /^file is 2 KiB, over the 1 KiB limit/,
      ],
    ];
    const good: string[] = [];
    for (const [name, drop, reason] of bad) {
      drop();
      good.push(root.drop(GOOD));
      // Logged last, once the sidecar is written and the file moved.
      const logged = await waitForLog(
        root.logFile,
        (e) => e.file === name && e.reason !== undefined,
        `${name} quarantined`,
      );
      expect({ name, logged: logged.reason, sidecar: readSidecar(root, name).reason }).toEqual({
        name,
        logged: reasonLike(reason),
        sidecar: reasonLike(reason),
      });
    }
    await waitFor(() => root.lines("runs").length === good.length, 10_000, "every good event");
    expect(root.lines("runs").map((l) => l.split(" ")[0])).toEqual(good.map(eventIdOf));
    expect(root.files("failed")).toEqual(
      bad.flatMap(([name]) => [name, `${name}.error.json`]).sort(),
    );
    // The symlink itself was moved, never followed: its target stayed where it was.
    expect(existsSync(target)).toBe(true);
  });

  test("UTF-16LE with a BOM is decoded: the handler sees the non-ASCII value", async () => {
    const root = newRoot();
    root.handler("env.yaml", {
      id: "env",
      event: "*",
      command: [fixtureScript("dump-env.sh"), root.out("env")],
    });
    await root.start();
    const text = JSON.stringify({
      event: "client_create",
      params: { NEW_CONTACT_NAME: "Jörg Müller", NEW_LOGIN_NAME: "jmüller" },
    });
    root.drop(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    // The run record is logged once the handler has exited: its dump is complete.
    await waitFor(() => runsIn(root.logFile).length === 1, 10_000, "the run");
    const env = readEnvDump(root.out("env"));
    expect(env.NEW_CONTACT_NAME).toBe("Jörg Müller");
    expect(env.NEW_LOGIN_NAME).toBe("jmüller");
  });

  test("a writer that skipped tmp/ and completes its file within the settle delay is not quarantined", async () => {
    // A generous settle delay: the test finishes the file between the two parses.
    const root = recordingRoot({ settle_delay: "2s" });
    await root.start(["--log-level", "debug"]);
    const name = "1000000000000-1-direct.json";
    const fd = openSync(root.path("spool/new", name), "w");
    try {
      writeSync(fd, '{"event": "client_cre');
      await waitForLog(
        root.logFile,
        (e) => e.level === "debug" && e.file === name && e.message.startsWith("cannot parse"),
        "the first parse to fail",
      );
      // The agent has taken the file to cur/; the writer's descriptor still reaches it.
      writeSync(fd, 'ate", "params": {}}');
    } finally {
      closeSync(fd);
    }
    await waitFor(() => root.lines("runs").length === 1, 10_000, "the handler to run");
    expect(root.lines("runs")[0]?.split(" ")[0]).toBe(eventIdOf(name));
    expect(root.files("failed")).toEqual([]);
  });

  test("a file that stays bad is quarantined after the second parse", async () => {
    const root = recordingRoot();
    await root.start(["--log-level", "debug"]);
    const name = root.drop("{", "bad.json");
    await waitForLog(root.logFile, (e) => e.message.startsWith(`quarantined ${name}`));
    const about = readLog(root.logFile).filter((e) => e.file === name);
    expect(about.map((e) => e.message.split(":")[0])).toEqual([
      `cannot parse ${name} yet`,
      `quarantined ${name}`,
    ]);
  });
});
