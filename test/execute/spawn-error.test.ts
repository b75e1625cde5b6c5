import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, symlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHandler } from "../../src/execute/run-handler.js";
import { describeSpawnError } from "../../src/execute/spawn-error.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler } from "./fixtures.js";

/*
 * SPEC §4: a failed start is diagnosed without opening, as root and in a way
 * that can block, anything the handler's user controls. The program path is
 * theirs: swapped for a FIFO after an ENOENT, a blocking open hung the whole
 * agent in fifo_open.
 */

const BUILT = fileURLToPath(new URL("../../dist/execute/spawn-error.js", import.meta.url));

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-spawn-error-");
});
afterEach(() => root.cleanup());

describe("describeSpawnError", () => {
  // In a child process of its own (the built code: run `npm run build` first):
  // a blocking open would hang the test's own thread for good.
  it("returns at once for a program path that became a FIFO", () => {
    const fifo = root.path("handler.sh");
    execFileSync("mkfifo", [fifo]);
    const code = `import(${JSON.stringify(BUILT)}).then((m) => process.stdout.write(m.describeSpawnError(process.argv[1], "ENOENT")))`;
    const child = spawnSync(process.execPath, ["-e", code, fifo], {
      timeout: 10_000,
      encoding: "utf8",
    });
    expect(child.signal).toBeNull();
    expect(child.stdout).toBe(`cannot execute ${fifo}: no such file or directory (ENOENT)`);
  });

  it("still names the missing interpreter of a script reached through a symlink", () => {
    const file = root.write("real.sh", "#!/nonexistent/interp\n", 0o755);
    const link = root.path("link.sh");
    symlinkSync(file, link);
    expect(describeSpawnError(link, "ENOENT")).toBe(
      `cannot execute ${link}: its interpreter /nonexistent/interp was not found (ENOENT)`,
    );
  });

  it("does not read a script in a folder another user could swap for a link (into /dev)", () => {
    const file = root.write("theirs/job.sh", "#!/nonexistent/interp\n", 0o755);
    chmodSync(root.path("theirs"), 0o777);
    expect(describeSpawnError(file, "ENOENT")).toBe(
      `cannot execute ${file}: no such file or directory (ENOENT)`,
    );
  });
});

describe("runHandler: a program that is a FIFO", () => {
  it("fails promptly with the reason", async () => {
    const fifo = root.path("handler.sh");
    execFileSync("mkfifo", ["-m", "755", fifo]);
    const record = await runHandler(makeHandler([fifo]), makeEvent(), makeContext(root.varDir));
    expect(record).toMatchObject({
      outcome: "failed",
      error: `cannot execute ${fifo}: permission denied (EACCES)`,
    });
  });
});
