import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { useE2eRoots } from "../helpers/e2e-root.js";
import type { AgentProcess } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

/** Fills a file system until it has no byte left. */
function fill(dir: string): void {
  for (let i = 0; ; i++) {
    try {
      writeFileSync(path.join(dir, `filler-${i}`), Buffer.alloc(4096));
    } catch {
      return;
    }
  }
}

// SPEC §4: a full params directory fails the run at once with the reason in
// the sidecar. It used to wait 60 s per run, and the sidecar did not say why.
describe.skipIf(!isRoot)(`params files on a full file system${ROOT_ONLY}`, () => {
  test("fail the run at once, with the reason in the sidecar", async () => {
    const root = newRoot();
    root.handler("10-true.yaml", { id: "true", event: "*", command: "/bin/true" });
    // Outside the root: it is unmounted before the root is removed.
    const runtime = mkdtempSync(path.join(tmpdir(), "evh-full-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k,mode=0700", "tmpfs", runtime]);
    let agent: AgentProcess | undefined;
    try {
      fill(runtime);
      agent = await root.start([], { env: { RUNTIME_DIRECTORY: runtime } });
      const name = root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } });
      await waitFor(() => root.files("failed").includes(name), 20_000, "the event in failed/");
      expect(readSidecar(root, name).reason).toBe(
        "handler true failed: cannot write the params file: ENOSPC: no space left on device, write",
      );
    } finally {
      await agent?.stop();
      execFileSync("umount", [runtime]);
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});
