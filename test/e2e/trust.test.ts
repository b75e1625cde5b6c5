import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { describe, expect, test } from "vitest";
import { lookupUser } from "../../src/system/system-users.js";
import { waitForLog } from "../helpers/agent-log.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { runEvh } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";

const newRoot = useE2eRoots();
const nobody = () => lookupUser("nobody")?.uid ?? 65534;

/** `evh run` and `evh status` on the root: both must refuse at once, with one line naming `path`. */
async function expectRefused(root: E2eRoot, path: string, why: string): Promise<void> {
  for (const command of ["run", "status"]) {
    const r = await runEvh([command, "--root", root.dir], { timeoutMs: 15_000 });
    expect(r.code, `evh ${command}: ${r.stderr}`).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`refusing ${path}: it ${why}`);
  }
}

describe("a root is trusted only as far as its owner", () => {
  test("a var/ that is a symlink is refused; nothing is written where it points", async () => {
    const root = newRoot();
    const elsewhere = root.path("elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, root.varDir);
    await expectRefused(root, root.varDir, `is a symbolic link (to ${elsewhere})`);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test("a log folder that is a symlink is refused", async () => {
    const root = newRoot();
    const elsewhere = root.path("elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(root.varDir, { mode: 0o700 });
    symlinkSync(elsewhere, root.path("var", "log"));
    await expectRefused(root, root.path("var", "log"), "is a symbolic link");
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test("a var/ writable by others is refused", async () => {
    const root = newRoot();
    mkdirSync(root.varDir, { mode: 0o700 });
    chmodSync(root.varDir, 0o777);
    await expectRefused(root, root.varDir, "is writable by others (mode 0777)");
  });

  test.skipIf(!isRoot)(`a var/ owned by another user is refused${ROOT_ONLY}`, async () => {
    const root = newRoot();
    mkdirSync(root.varDir, { mode: 0o700 });
    chownSync(root.varDir, nobody(), nobody());
    await expectRefused(root, root.varDir, `is owned by uid ${nobody()}`);
  });

  test.skipIf(!isRoot)(
    `a log folder (log.file) owned by another user is refused${ROOT_ONLY}`,
    async () => {
      const root = newRoot();
      const logDir = root.path("logs");
      mkdirSync(logDir, { mode: 0o755 });
      chownSync(logDir, nobody(), nobody());
      root.configure({ log: { file: "logs/evh.log" } });
      await expectRefused(root, logDir, `is owned by uid ${nobody()}`);
    },
  );

  test("an evh.yaml writable by others is refused", async () => {
    const root = newRoot();
    chmodSync(root.path("evh.yaml"), 0o666);
    await expectRefused(root, root.path("evh.yaml"), "is writable by others (mode 0666)");
  });

  test.skipIf(!isRoot)(`an evh.yaml owned by another user is refused${ROOT_ONLY}`, async () => {
    const root = newRoot();
    chownSync(root.path("evh.yaml"), nobody(), nobody());
    await expectRefused(root, root.path("evh.yaml"), `is owned by uid ${nobody()}`);
  });

  test("a link planted at var/journal.jsonl.tmp is not written through by the start-up compaction", async () => {
    const root = newRoot();
    const victim = root.path("victim.conf");
    writeFileSync(victim, "root's own\n", { mode: 0o600 });
    const before = statSync(victim);
    mkdirSync(root.varDir, { mode: 0o700 });
    symlinkSync(victim, root.path("var", "journal.jsonl.tmp"));
    await root.start();
    await waitForLog(root.logFile, (e) => e.message.startsWith("agent ready"));
    expect(readFileSync(victim, "utf8")).toBe("root's own\n");
    expect(statSync(victim).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(root.path("var", "journal.jsonl")).isFile()).toBe(true);
  });
});
