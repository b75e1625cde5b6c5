import { describe, expect, it } from "vitest";
import { rootLockFile } from "../../src/agent/agent.js";
import { rootLockPath } from "../../src/agent/root-lock-path.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { runEvh } from "../helpers/evh-process.js";

const COMMANDS = [
  "run",
  "emit",
  "create",
  "update",
  "delete",
  "list",
  "list-events",
  "list-params",
  "list-users",
  "validate",
  "test",
  "status",
  "retry",
];

describe("evh usage", () => {
  it("lists every command, each with --help, --root and --config", async () => {
    const top = await runEvh(["--help"]);
    expect(top.code).toBe(0);
    for (const name of [...COMMANDS, "event_handler"]) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    const helps = await Promise.all(COMMANDS.map((name) => runEvh([name, "--help"])));
    helps.forEach((help, i) => {
      expect(help.code, COMMANDS[i]).toBe(0);
      expect(help.stdout).toContain("--root <dir>");
      expect(help.stdout).toContain("--config <file>");
    });
  });

  it("answers bad usage with one line on stderr and exit 2", async () => {
    const [command, option, config] = await Promise.all([
      runEvh(["lst"]),
      runEvh(["list", "--jsn"]),
      runEvh(["list", "--config", "/nonexistent/evh.yaml"]),
    ]);
    expect(command).toEqual({
      code: 2,
      stdout: "",
      stderr: "evh: unknown command 'lst' (did you mean list?) (--help shows the usage)\n",
    });
    expect(option).toEqual({
      code: 2,
      stdout: "",
      stderr: "evh: unknown option '--jsn' (did you mean --json?) (--help shows the usage)\n",
    });
    // A config file that is not there is a failure of the setup, not of the command line.
    expect(config).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "evh: config file /nonexistent/evh.yaml does not exist; check --config or EVH_CONFIG\n",
    });
  });

  it("finds the root lock where the agent does", () => {
    const config = resolveConfig({ root: "/srv/evh", env: {} });
    expect(rootLockPath(config.varDir)).toBe(rootLockFile(config));
  });
});
