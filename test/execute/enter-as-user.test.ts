import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildInvocation } from "../../src/execute/build-invocation.js";
import { runHandler } from "../../src/execute/run-handler.js";
import { superviseProcess } from "../../src/execute/supervise-process.js";
import { currentUser, lookupUser, type SystemUser } from "../../src/system/system-users.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, readEnvDump } from "./fixtures.js";

/*
 * SPEC §4: the working directory is entered with the handler's own
 * credentials. libuv enters it before it switches user, so a user who swapped
 * her cwd for a symlink after the agent's check started her handler inside a
 * directory under a root-only one.
 */

let root: TempRoot;
let nobody: SystemUser;
beforeEach(() => {
  root = makeTempRoot("evh-cwd-");
  nobody = lookupUser("nobody") ?? {
    name: "nobody",
    uid: 65534,
    gid: 65534,
    home: "/",
    shell: "/bin/sh",
  };
});
afterEach(() => root.cleanup());

/** Runs `argv` as nobody in `cwd` through the supervisor alone: no check of the cwd before. */
async function superviseAsNobody(argv: string[], cwd: string) {
  const handler = makeHandler(argv, { user: nobody, userName: "nobody" });
  const inv = buildInvocation(handler, makeEvent(), {
    user: nobody,
    attempt: 1,
    eventFile: "/nonexistent/e.json",
    paramsFile: "/nonexistent/params",
    extraVars: {},
    agentUid: currentUser().uid,
  });
  const end = await superviseProcess(inv, {
    cwd,
    stdin: undefined,
    timeoutMs: 10_000,
    killAfterMs: 300,
    signal: new AbortController().signal,
  });
  return { end, inv, stdout: end.stdout.bytes().toString(), stderr: end.stderr.bytes().toString() };
}

describe(`the working directory of a handler that runs as another user${ROOT_ONLY}`, () => {
  it.skipIf(!isRoot)(
    "is never entered as root: a symlink into a root-only directory fails",
    async () => {
      const closed = root.path("closed");
      mkdirSync(`${closed}/inside`, { recursive: true });
      chmodSync(closed, 0o700);
      chmodSync(`${closed}/inside`, 0o755);
      writeFileSync(`${closed}/inside/secret`, "root's secret\n", { mode: 0o644 });
      const link = root.path("work");
      symlinkSync(`${closed}/inside`, link); // as if swapped in after the agent's check
      const { end, stdout, stderr } = await superviseAsNobody(["/bin/cat", "secret"], link);
      expect(stdout).toBe("");
      expect(end.exitCode).toBe(125);
      expect(stderr).toBe(`evh: cannot enter working directory ${link}\n`);
    },
  );

  it.skipIf(!isRoot)(
    "is entered when the user can reach it, with the environment unchanged",
    async () => {
      const open = root.path("open");
      mkdirSync(open);
      chmodSync(open, 0o777);
      const out = `${open}/env.bin`;
      const { end, inv } = await superviseAsNobody([root.script("dump-env.sh"), out], open);
      expect(end.exitCode).toBe(0);
      expect(readEnvDump(out)).toEqual({ ...inv.env });
      const pwd = await superviseAsNobody(["/bin/pwd", "-P"], open);
      expect(pwd.stdout).toBe(`${open}\n`);
    },
  );

  it.skipIf(!isRoot)("fails the run with the reason when the user cannot reach it", async () => {
    const closed = root.path("closed");
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    const handler = makeHandler(["/bin/true"], { user: nobody, userName: "nobody", cwd: closed });
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record).toMatchObject({
      outcome: "failed",
      error: `cannot enter working directory ${closed} as nobody: permission denied`,
    });
  });
});
