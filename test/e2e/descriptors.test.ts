import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN } from "../helpers/evh-process.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

// SPEC §4: a handler inherits no descriptor of the agent's beyond 0, 1 and 2.
// A handler running as nobody received a pipe (fd 251) the agent had inherited.
describe.skipIf(!isRoot)(`descriptors a handler inherits${ROOT_ONLY}`, () => {
  test("only stdin, stdout and stderr, whatever the agent inherited", async () => {
    const root = newRoot();
    const out = root.out("fds");
    root.handler("10-fds.yaml", {
      id: "fds",
      event: "*",
      user: "nobody",
      command: ["/bin/sh", "-c", 'ls -l /proc/self/fd > "$0"', out],
    });
    // Extra pipes at fd 3 and fd 251, inherited without close-on-exec, as a harness would pass them.
    const stdio = Array.from({ length: 252 }, (_, fd) =>
      fd === 0 ? "ignore" : fd <= 3 || fd === 251 ? "pipe" : "ignore",
    ) as ("pipe" | "ignore")[];
    const agent = spawn(EVH_BIN, ["run", "--root", root.dir], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio,
    });
    let output = "";
    agent.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise((resolve) => agent.once("exit", resolve));
    try {
      await waitFor(() => output.includes("agent ready"), 20_000, "the agent to be ready");
      root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } });
      await waitFor(() => root.lines("fds").length > 0, 20_000, "the handler's listing");
      await waitFor(() => root.files("new").length + root.files("cur").length === 0, 20_000);
      const fds = readFileSync(out, "utf8")
        .split("\n")
        .map((line) => / (\d+) -> (.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [Number(m[1]), m[2]] as const);
      // ls's own descriptor for the directory it lists is the only other one.
      const others = fds.filter(
        ([fd, target]) => fd > 2 && !/^\/proc\/\d+\/fd$/.test(target ?? ""),
      );
      expect(others).toEqual([]);
      expect(fds.map(([fd]) => fd)).toEqual(expect.arrayContaining([0, 1, 2]));
    } finally {
      agent.kill("SIGTERM");
      await exited;
    }
  });
});
