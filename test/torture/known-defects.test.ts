import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AgentProcess,
  handlerYaml,
  isRoot,
  makeRoot,
  type Root,
  readRuns,
  startAgent,
  until,
} from "../../torture/lib/index.mjs";

/*
 * The defects the torture scripts found in src/agent, src/spool and
 * src/record, each reduced to its smallest reproduction and kept as a
 * regression test now that it is fixed. A defect found next starts here as
 * `it.fails`, with a KNOWN_DEFECTS entry of the same name in
 * torture/lib/known-defects.mjs; its fix turns both into plain checks.
 */

const RECORD = fileURLToPath(new URL("../../torture/fixtures/record-run.sh", import.meta.url));

let root: Root | undefined;
let agent: AgentProcess | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  if (agent?.alive) await agent.kill9();
  // Unmount first: a mount point cannot be removed.
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  root?.cleanup();
  root = undefined;
  agent = undefined;
});

async function agentWithRecorder(config: Record<string, unknown> = {}, dir?: string) {
  root = makeRoot({ dir, config: { settle_delay: "100ms", rescan_interval: "200ms", ...config } });
  const runs = path.join(mkdtempSync(path.join(tmpdir(), "evh-known-")), "runs.log");
  cleanups.push(() => rmSync(path.dirname(runs), { recursive: true, force: true }));
  writeFileSync(runs, "");
  root.writeHandler(
    "10-rec.yaml",
    handlerYaml({ id: "rec", event: "*", command: [RECORD, runs, "0", "may-fail"] }),
  );
  agent = await startAgent(root);
  return { root, runs };
}

const isJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

const runsOf = (runs: string, name: string) =>
  readRuns(runs).counts.get(`${name.slice(0, -".json".length)} rec`) ?? 0;

describe("defects the torture scripts found (regressions)", () => {
  it("long-name: a bad event whose sidecar name would pass NAME_MAX leaves cur/", async () => {
    const { root } = await agentWithRecorder();
    const name = `${"b".repeat(250)}.json`;
    root.emit("{bad", name);
    expect(
      await until(
        () => !root.events("cur").includes(name) && !root.events("new").includes(name),
        5000,
      ),
    ).toBe(true);
  });

  it("placement-retry: a failed handler runs once, even when its event cannot be placed in failed/", async () => {
    const { root, runs } = await agentWithRecorder();
    const name = `${"f".repeat(245)}.json`;
    root.emit({ event: "t_known", params: { NEW_FAIL: "yes" } }, name);
    await until(() => runsOf(runs, name) > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(runsOf(runs, name)).toBe(1);
  });

  it("sidecar-collision: a quarantined x.json.error.json survives a later bad x.json", async () => {
    const { root } = await agentWithRecorder();
    root.emit("{first", "x.json.error.json");
    await until(() => root.sidecar("x.json.error.json"), 5000);
    root.emit("{second", "x.json");
    await until(() => root.sidecar("x.json"), 5000);
    const kept = readdirSync(root.spool("failed")).map((n) =>
      readFileSync(root.spool("failed", n), "utf8"),
    );
    expect(kept).toContain("{first");
  });

  it("non-utf8-name: a file whose name is not UTF-8 goes to failed/ under a UTF-8 name, with a sidecar", async () => {
    const { root, runs } = await agentWithRecorder();
    const name = Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]); // "b\xff\xfe.json"
    const dir = (state: string) => Buffer.from(`${root.spool(state)}/`);
    writeFileSync(Buffer.concat([dir("tmp"), name]), '{"event":"t_known"}');
    renameSync(Buffer.concat([dir("tmp"), name]), Buffer.concat([dir("new"), name]));
    const left = () =>
      readdirSync(root.spool("new"), { encoding: "buffer" }).some((n) => n.equals(name));
    expect(await until(() => !left(), 5000)).toBe(true);
    const placed = "b\uFFFD\uFFFD.json";
    expect(readFileSync(root.spool("failed", placed), "utf8")).toBe('{"event":"t_known"}');
    expect(root.sidecar(placed)).toMatchObject({
      reason: "file name is not valid UTF-8",
      detail: expect.stringContaining("its bytes: b\\xff\\xfe.json"),
    });
    // One clear line in the log.
    const logged = () =>
      readFileSync(root.logFile, "utf8")
        .split("\n")
        .filter((l) =>
          l.includes(`"quarantined ${placed}: file name is not valid UTF-8: its bytes:`),
        );
    expect(await until(() => logged().length > 0, 5000)).toBe(true);
    expect(logged()).toHaveLength(1);
    // The events after it run.
    const good = root.emit({ event: "t_known" });
    expect(await until(() => runsOf(runs, good) > 0, 5000)).toBe(true);
  });

  it("sidecar-temp-left: a sidecar temp file left by a kill is removed at the next start", async () => {
    const { root } = await agentWithRecorder();
    await agent?.kill9();
    // What a kill -9 inside writeSidecar() leaves: the temp file, never renamed.
    writeFileSync(root.spool("failed", ".evh-sidecar-0123456789abcdef.tmp"), '{"reason":');
    agent = await startAgent(root);
    expect(await until(() => root.list("failed").length === 0, 3000)).toBe(true);
  });

  it("orphan-sidecar: an event is placed under its own name beside the sidecar a kill left", async () => {
    const { root } = await agentWithRecorder();
    // What a kill -9 between the sidecar and the move leaves: the sidecar, and the event still in cur/.
    const orphan = {
      reason: "handler rec failed: exit 3",
      detail: "",
      at: new Date().toISOString(),
    };
    writeFileSync(root.spool("failed", "x.json.error.json"), JSON.stringify(orphan));
    root.emit("{bad", "x.json");
    await until(() => root.events("failed").length > 0, 5000);
    expect(root.events("failed")).toEqual(["x.json"]);
  });

  it("state-folder-removed: with spool/cur/ removed under the agent, new events still run", async () => {
    const { root, runs } = await agentWithRecorder();
    rmSync(root.spool("cur"), { recursive: true });
    const name = root.emit({ event: "t_known" });
    expect(await until(() => runsOf(runs, name) > 0, 5000)).toBe(true);
  });
});

// A full disk needs a tmpfs, and mounting one needs root.
describe.runIf(isRoot)("defects the torture scripts found on a full disk (regressions)", () => {
  async function fullDisk() {
    const dir = mkdtempSync(path.join(tmpdir(), "evh-known-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
    cleanups.push(() => {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const made = await agentWithRecorder({}, dir);
    const names = Array.from({ length: 8 }, (_, i) => `full-${i}.json`);
    for (const n of names) writeFileSync(made.root.spool("tmp", n), '{"event":"t_known"}');
    const filler = made.root.path("filler");
    try {
      writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
    } catch {
      // ENOSPC: the disk is now full to the last page
    }
    for (const n of names) renameSync(made.root.spool("tmp", n), made.root.spool("new", n));
    await until(() => names.every((n) => runsOf(made.runs, n) > 0), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    rmSync(filler);
    await until(
      () => made.root.events("cur").length + made.root.events("new").length === 0,
      10_000,
    );
    return { ...made, names };
  }

  it("placement-retry: a failed handler is not run again while its sidecar cannot be written", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evh-known-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
    cleanups.push(() => {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const { root, runs } = await agentWithRecorder({}, dir);
    writeFileSync(
      root.spool("tmp", "fails.json"),
      '{"event":"t_known","params":{"NEW_FAIL":"yes"}}',
    );
    try {
      writeFileSync(root.path("filler"), Buffer.alloc(2 * 1024 * 1024));
    } catch {
      // ENOSPC: full to the last page
    }
    renameSync(root.spool("tmp", "fails.json"), root.spool("new", "fails.json"));
    await until(() => runsOf(runs, "fails.json") > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect(runsOf(runs, "fails.json")).toBe(1);
  });

  it("journal-enospc: every outcome the agent acted on is in the journal", async () => {
    const { root, names } = await fullDisk();
    const journal = readFileSync(root.path("var", "journal.jsonl"), "utf8");
    expect(names.filter((n) => !journal.includes(`"t":"run","f":"${n}"`))).toEqual([]);
  });

  it("log-after-enospc: after a write error the log file is reopened, and takes lines again once space frees up", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evh-known-disk-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]);
    cleanups.push(() => {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    });
    const { root } = await agentWithRecorder({}, dir);
    writeFileSync(root.spool("tmp", "full.json"), '{"event":"t_known"}');
    const filler = root.path("filler");
    try {
      writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024));
    } catch {
      // ENOSPC: the disk is now full to the last page
    }
    try {
      // The log file's last page too (blank lines), so that the agent's next line fails.
      appendFileSync(root.logFile, "\n".repeat(64 * 1024));
    } catch {
      // ENOSPC
    }
    renameSync(root.spool("tmp", "full.json"), root.spool("new", "full.json"));
    expect(await until(() => agent?.output().includes("cannot be written (ENOSPC)"), 5000)).toBe(
      true,
    );
    expect(agent?.alive).toBe(true);
    rmSync(filler);
    // Reopened within the backoff (at most 5 s), it says what it missed.
    const resumed = () => readFileSync(root.logFile, "utf8").includes("written again after ENOSPC");
    expect(await until(resumed, 10_000)).toBe(true);
    const after = root.emit({ event: "t_known" }, "after-space.json");
    const logged = () => readFileSync(root.logFile, "utf8").includes(`"file":"${after}"`);
    expect(await until(logged, 5000)).toBe(true);
    // Every line parses, and the retries left no descriptor of the log file behind.
    const lines = readFileSync(root.logFile, "utf8").split("\n").filter(Boolean);
    expect(lines.filter((l) => !isJson(l))).toEqual([]);
    const fds = readdirSync(`/proc/${agent?.pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${agent?.pid}/fd/${fd}`).startsWith(root.logFile);
      } catch {
        return false;
      }
    });
    expect(fds).toHaveLength(1);
  });
});
