import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
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
  it("lists every command", async () => {
    const top = await runEvh(["--help"]);
    expect(top.code).toBe(0);
    for (const name of [...COMMANDS, "event_handler"]) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    const one = await runEvh(["status", "--help"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("--root <dir>");
  });

  it("prints the package's version with --version and -V, exit 0", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const result = await runEvh([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it("gives every command --help, --root and --config", async () => {
    // In process (main() is what bin/evh runs): one process per command would only cost time.
    for (const name of COMMANDS) {
      let out = "";
      const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      try {
        expect(await main([name, "--help"]), name).toBe(0);
      } finally {
        write.mockRestore();
      }
      expect(out, name).toContain(`Usage: evh ${name} `);
      expect(out, name).toContain("--root <dir>");
      expect(out, name).toContain("--config <file>");
    }
  });

  it("refuses a --grace without a unit as bad usage, saying which unit to add", async () => {
    expect(await runEvh(["run", "--grace", "30"])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'evh: --grace must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got "30": add a unit: 30s or 30ms\n',
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
      stderr: "evh: config file /nonexistent/evh.yaml does not exist; check --config\n",
    });
  });
});
