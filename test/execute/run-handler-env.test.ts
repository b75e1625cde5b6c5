import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runHandler } from "../../src/execute/run-handler.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, readEnvDump, script } from "./fixtures.js";

/*
 * SPEC §4: only OLD_* and NEW_* params become environment variables. A blocklist
 * of bad names let `PYTHONWARNINGS` + `BROWSER` run a command inside any
 * Python handler (the warnings filter imports `antigravity`, which opens
 * $BROWSER), with no file of the attacker's at all.
 */

const PYTHON = "/usr/bin/python3";
const NO_PYTHON = existsSync(PYTHON) ? "" : ` (skipped: needs ${PYTHON})`;

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-env-");
});
afterEach(() => root.cleanup());

describe("runHandler: params in the environment", () => {
  it.skipIf(NO_PYTHON !== "")(
    `a Python handler does not run a command injected through PYTHONWARNINGS and BROWSER${NO_PYTHON}`,
    async () => {
      const marker = root.path("pwned");
      const params = {
        PYTHONWARNINGS: "all:0:antigravity.x:0:0",
        BROWSER: `/bin/sh -c "echo pwned > ${marker}" #%s`,
        NEW_LOGIN_NAME: "jm",
      };
      const handler = makeHandler([PYTHON, "-c", "import os; print(os.environ['NEW_LOGIN_NAME'])"]);
      const record = await runHandler(handler, makeEvent(params), makeContext(root.varDir));
      expect(record).toMatchObject({ outcome: "ok", stdout: "jm\n" });
      expect(existsSync(marker)).toBe(false);
    },
  );

  it("leaves every other name out of the environment, but in placeholders and the params file", async () => {
    const out = root.path("env.bin");
    const params = {
      NEW_LOGIN_NAME: "jm",
      OLD_LOGIN_NAME: "jo",
      LD_PRELOAD: "/tmp/x.so",
      OPENSSL_CONF: "/tmp/x.cnf",
      GIT_SSH_COMMAND: "id",
      BROWSER: "id",
      HOME: "/from-event",
    };
    const paramsCopy = root.path("params.txt");
    const argCopy = root.path("arg.txt");
    const handler = makeHandler([
      "/bin/sh",
      "-c",
      'cat "$EVH_PARAMS_FILE" > "$1"; printf %s "$2" > "$3"; exec "$4" "$5"',
      "sh",
      paramsCopy,
      "<git_ssh_command>",
      argCopy,
      script("dump-env.sh"),
      out,
    ]);
    const record = await runHandler(handler, makeEvent(params), makeContext(root.varDir));
    expect(record.outcome).toBe("ok");
    const env = readEnvDump(out);
    for (const name of ["LD_PRELOAD", "OPENSSL_CONF", "GIT_SSH_COMMAND", "BROWSER"]) {
      expect(env[name]).toBeUndefined();
    }
    expect(env.HOME).not.toBe("/from-event");
    expect(env).toMatchObject({ NEW_LOGIN_NAME: "jm", OLD_LOGIN_NAME: "jo" });
    expect(readFileSync(paramsCopy, "utf8")).toContain("GIT_SSH_COMMAND=id\n");
    expect(readFileSync(argCopy, "utf8")).toBe("id");
  });
});
