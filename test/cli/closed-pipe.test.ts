import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVH_BIN } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

/**
 * Runs `bin/evh ARGS` with a stdout whose reader is gone before the first
 * write, as `| head -1` is once it has its line: every write meets EPIPE.
 */
function runIntoClosedPipe(root: string, args: readonly string[]) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(EVH_BIN, args, {
      cwd: root,
      env: { ...process.env, EVH_ROOT: root },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("output into a closed pipe", () => {
  it("ends `evh status` quietly, with its own exit status", async () => {
    const root = newRoot();
    root.write("handlers.d/.keep", "");
    expect(await runIntoClosedPipe(root.dir, ["status"])).toEqual({ code: 0, stderr: "" });
    expect(await runIntoClosedPipe(root.dir, ["list-events"])).toEqual({ code: 0, stderr: "" });
  });

  it("lets `evh test --exec` run every handler, not only those whose output fitted", async () => {
    const root = newRoot();
    const handler = (id: string, priority: number) =>
      `id: ${id}\nevent: client_create\npriority: ${priority}\ncommand: ["${fixtureScript("dump-argv.sh")}", "${root.path(`${id}.out`)}", "<new_login_name>"]\n`;
    root.write("handlers.d/a.yaml", `${handler("first", 90)}---\n${handler("second", 10)}`);
    const result = await runIntoClosedPipe(root.dir, [
      "test",
      "--exec",
      "client_create",
      "NEW_LOGIN_NAME=jdoe",
      "NEW_CONTACT_NAME=J. Doe",
    ]);
    expect(result).toEqual({ code: 0, stderr: "" });
    expect(existsSync(root.path("first.out"))).toBe(true);
    expect(existsSync(root.path("second.out"))).toBe(true);
  });
});
