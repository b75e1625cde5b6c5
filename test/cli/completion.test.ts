import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { runEvh } from "../helpers/evh-process.js";

/** What bash completes for the words typed so far (the last one is being typed), with evh's script loaded. */
function complete(script: string, words: readonly string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  const run = `${script}\nCOMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _evh; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "-c", run], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter((l) => l !== "");
}

describe("evh completion bash", () => {
  test("completes commands, each command's own options, and option values", async () => {
    const { code, stdout } = await runEvh(["completion", "bash"]);
    expect(code).toBe(0);
    expect(complete(stdout, ["evh", "li"])).toEqual([
      "list",
      "list-events",
      "list-params",
      "list-users",
    ]);
    expect(complete(stdout, ["evh", "init", "--"])).toEqual(["--system", "--prefix", "--help"]);
    expect(complete(stdout, ["evh", "status", "--r"])).toEqual(["--root"]);
    expect(complete(stdout, ["evh", "run", "--log-level", "d"])).toEqual(["debug"]);
    expect(complete(stdout, ["evh", "completion", ""])).toEqual(["bash"]);
  });

  test("another shell is bad usage", async () => {
    const { code, stderr } = await runEvh(["completion", "fish"]);
    expect(code).toBe(2);
    expect(stderr).toBe('evh: evh completion: unknown shell "fish" (only bash)\n');
  });
});

describe("evh --help", () => {
  test("names the root resolution, EVH_ROOT, the exit codes and the docs", async () => {
    const { code, stdout } = await runEvh(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("--root DIR");
    expect(stdout).toContain("$EVH_ROOT");
    expect(stdout).toContain("Exit status: 0 success, 1 failure");
    expect(stdout).toContain("man evh");
    expect(stdout).toContain("docs/operations.md");
  });
});
