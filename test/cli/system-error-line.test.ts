import { spawn } from "node:child_process";
import { chmodSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { systemErrorLine } from "../../src/cli/system-error-line.js";
import { toError } from "../../src/errors/evh-error.js";
import { EVH_BIN } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { evhReachableByOthers } from "../helpers/reachable.js";
import { useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (thrown) {
    return toError(thrown);
  }
  throw new Error("expected a throw");
}

describe("a system error as one line", () => {
  it("names the call, the path, the errno and what to do", () => {
    const root = newRoot();
    root.write("file", "");
    expect(systemErrorLine(thrownBy(() => readdirSync(root.path("file"))))).toBe(
      `cannot scandir ${root.path("file")}: a part of the path is not a directory (ENOTDIR); check --root, $EVH_ROOT and the paths in evh.yaml`,
    );
    expect(systemErrorLine(new Error("plain"))).toBeUndefined();
  });

  const others = evhReachableByOthers(EVH_BIN);
  it.skipIf(!isRoot || !others.reachable)(
    `tells a user without access to the spool what to do${ROOT_ONLY}${others.note}`,
    async () => {
      const root = newRoot();
      chmodSync(root.dir, 0o755);
      chmodSync(root.path("spool/tmp"), 0o700);
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          EVH_BIN,
          ["emit", "--root", root.dir, "client_create", "NEW_LOGIN_NAME=x", "NEW_CONTACT_NAME=y"],
          { uid: 65534, gid: 65534, cwd: "/", stdio: ["ignore", "ignore", "pipe"] },
        );
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (d: string) => {
          stderr += d;
        });
        child.on("close", (code) => resolve({ code, stderr }));
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^evh: cannot open ${root.path("spool/tmp")}/\\S+\\.json: permission denied \\(EACCES\\); run evh as the agent's user \\(root for the system install\\), or, to emit, as a member of its producer_group\\n$`,
        ),
      );
    },
  );
});
