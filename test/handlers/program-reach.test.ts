import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkProgramReach } from "../../src/handlers/program-reach.js";
import type { SystemUser } from "../../src/system/system-users.js";
import { runEvh } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";

/** An account that owns nothing here: uid and gid no file of the test has. */
const stranger: SystemUser = {
  name: "stranger",
  uid: 64_999,
  gid: 64_999,
  home: "/",
  shell: "/bin/sh",
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `<tmp>/outer (mode)/bin/job.sh (mode)` */
function layout(outerMode: number, scriptMode: number): string {
  dir = mkdtempSync(path.join(tmpdir(), "evh-reach-"));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, "outer/bin"), { recursive: true });
  const script = path.join(dir, "outer/bin/job.sh");
  writeFileSync(script, "#!/bin/sh\n");
  chmodSync(script, scriptMode);
  chmodSync(path.join(dir, "outer"), outerMode);
  return script;
}

describe("checkProgramReach", () => {
  it("names the folder another user cannot search", () => {
    const script = layout(0o700, 0o755);
    expect(checkProgramReach(script, "/", stranger)).toBe(
      `user stranger cannot reach program ${script}: ${dir}/outer is mode 0700, uid ${process.getuid?.()}, gid ${process.getgid?.()}, without search permission for it (fix: chmod o+x ${dir}/outer, or move the program where stranger can reach it)`,
    );
  });

  it("names a program the user may not execute", () => {
    const script = layout(0o755, 0o750);
    expect(checkProgramReach(script, "/", stranger)).toMatch(
      new RegExp(`^user stranger cannot execute program ${script}: it is mode 0750, `),
    );
  });

  it("says nothing when every folder is searchable and the program executable", () => {
    const script = layout(0o711, 0o755);
    expect(checkProgramReach(script, "/", stranger)).toBeUndefined();
    expect(checkProgramReach("sh", "/", stranger)).toBeUndefined();
    expect(checkProgramReach(script, "/", { ...stranger, uid: 0 })).toBeUndefined();
  });
});

describe("evh validate", () => {
  it.skipIf(!isRoot)(
    `warns about a handler whose user cannot reach its program${ROOT_ONLY}`,
    async () => {
      const script = layout(0o700, 0o755);
      mkdirSync(path.join(dir, "handlers.d"));
      writeFileSync(
        path.join(dir, "handlers.d/job.yaml"),
        `id: job\nevent: client_create\nuser: nobody\ncommand: ${script}\n`,
      );
      const result = await runEvh(["validate", "--root", dir], { cwd: "/" });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        `${dir}/handlers.d/job.yaml:4: warning: command: user nobody cannot reach program ${script}: ${dir}/outer is mode 0700, uid 0, gid 0, without search permission for it (fix: chmod o+x ${dir}/outer, or move the program where nobody can reach it)\n`,
      );
    },
  );
});
