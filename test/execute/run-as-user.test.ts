import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeParamsFile } from "../../src/execute/params-file.js";
import { runHandler } from "../../src/execute/run-handler.js";
import { runWithRetry } from "../../src/execute/run-with-retry.js";
import { lookupUser, type SystemUser } from "../../src/system/system-users.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

let root: TempRoot;
/** A directory `nobody` may write its reports into. */
let outDir: string;
let nobody: SystemUser;
beforeEach(() => {
  root = makeTempRoot("evh-user-");
  outDir = root.path("out");
  mkdirSync(outDir);
  chmodSync(outDir, 0o777);
  nobody = lookupUser("nobody") ?? {
    name: "nobody",
    uid: 65534,
    gid: 65534,
    home: "/",
    shell: "/bin/sh",
  };
});
afterEach(() => root.cleanup());

describe(`runHandler as another user${ROOT_ONLY}`, () => {
  it.skipIf(!isRoot)(
    "runs with the user's uid, gid and HOME, no supplementary groups",
    async () => {
      const out = `${outDir}/id.txt`;
      const handler = makeHandler([root.script("dump-identity.sh"), out], {
        user: nobody,
        userName: "nobody",
      });
      expect((await runHandler(handler, makeEvent(), makeContext(root.varDir))).outcome).toBe("ok");
      const seen = readFileSync(out, "utf8");
      expect(seen).toContain(`uid=${nobody.uid}\ngid=${nobody.gid}\ngroups=${nobody.gid}\n`);
      // nobody's home (/nonexistent) does not exist: the run starts in /.
      expect(seen).toContain(`home=${nobody.home}\ncwd=/\n`);
    },
  );

  it.skipIf(!isRoot)("cannot read a root file of mode 0600", async () => {
    const secret = root.write("secret.txt", "root only\n", 0o600);
    const handler = makeHandler(["/bin/cat", secret], { user: nobody });
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record).toMatchObject({ outcome: "failed", exitCode: 1, stdout: "" });
    expect(record.stderr).toContain("Permission denied");
  });

  it.skipIf(!isRoot)(
    "gets its params file owned by it, mode 0600, in a directory of root's it can reach the file in but not list (0711)",
    async () => {
      const out = `${outDir}/params.txt`;
      const handler = makeHandler([root.script("params-file.sh"), out], { user: nobody });
      const record = await runHandler(
        handler,
        makeEvent({ NEW_PASSWORD: "s3cret!" }),
        makeContext(root.varDir),
      );
      expect(record.outcome).toBe("ok");
      expect(readFileSync(out, "utf8")).toBe("NEW_PASSWORD=s3cret!\n");
      const [fileStat, dirStat] = record.stdout.split("\n");
      expect(fileStat).toBe(`600 ${nobody.uid} ${nobody.gid}`);
      expect(dirStat).toBe("711 0 0");
    },
  );

  it.skipIf(!isRoot)(
    "cannot read another run's params file, list the params directories or add to them",
    async () => {
      const rootRun = writeParamsFile(
        Buffer.from("NEW_PASSWORD=root-only\n"),
        undefined,
        root.varDir,
      );
      const otherUser = writeParamsFile(
        Buffer.from("NEW_PASSWORD=daemon-only\n"),
        { uid: 1, gid: 1 },
        root.varDir,
      );
      try {
        const probe = [
          'for f in "$1" "$2"; do cat "$f"; done',
          'ls "$(dirname "$1")" "$(dirname "$EVH_PARAMS_FILE")"',
          'touch "$(dirname "$EVH_PARAMS_FILE")/mine"',
          'cat "$EVH_PARAMS_FILE"',
        ].join("; ");
        const handler = makeHandler(["/bin/sh", "-c", probe, "sh", rootRun.path, otherUser.path], {
          user: nobody,
        });
        const record = await runHandler(
          handler,
          makeEvent({ NEW_LOGIN_NAME: "jdoe" }),
          makeContext(root.varDir),
        );
        // Only its own file reads; everything else is refused.
        expect(record.stdout).toBe("NEW_LOGIN_NAME=jdoe\n");
        expect(record.stderr.match(/Permission denied/g)).toHaveLength(5);
      } finally {
        rootRun.remove();
        otherUser.remove();
      }
    },
  );

  it.skipIf(!isRoot)("fails with a clear reason when its cwd is closed to it", async () => {
    const closed = root.path("closed");
    mkdirSync(closed, { mode: 0o700 });
    const handler = makeHandler([root.script("exit-code.sh"), "0"], { user: nobody, cwd: closed });
    const record = await runHandler(handler, makeEvent(), makeContext(root.varDir));
    expect(record).toMatchObject({
      outcome: "failed",
      exitCode: null,
      error: `cannot enter working directory ${closed} as nobody: permission denied`,
    });
  });
});

describe(`root lock${ROOT_ONLY}`, () => {
  it.skipIf(!isRoot)(
    "refuses a root handler while the lock exists, checked at every run",
    async () => {
      const ctx = makeContext(root.varDir);
      mkdirSync(root.varDir, { recursive: true });
      writeFileSync(ctx.rootLockFile, "");
      const out = root.path("ran.txt");
      const handler = makeHandler([script("dump-identity.sh"), out]);
      expect(await runHandler(handler, makeEvent(), ctx)).toMatchObject({
        outcome: "refused",
        exitCode: null,
        signal: null,
        error: `root lock ${ctx.rootLockFile} exists; handlers that run as root are not started`,
      });
      rmSync(ctx.rootLockFile);
      expect((await runHandler(handler, makeEvent(), ctx)).outcome).toBe("ok");
      expect(readFileSync(out, "utf8")).toContain("uid=0\n");
    },
  );

  it.skipIf(!isRoot)("says refused, not failed, when the cwd is missing too", async () => {
    const ctx = makeContext(root.varDir);
    mkdirSync(root.varDir, { recursive: true });
    writeFileSync(ctx.rootLockFile, "");
    const handler = makeHandler([script("exit-code.sh"), "0"], { cwd: root.path("missing") });
    expect((await runHandler(handler, makeEvent(), ctx)).outcome).toBe("refused");
  });

  it.skipIf(!isRoot)("does not retry a refused run", async () => {
    const ctx = makeContext(root.varDir);
    mkdirSync(root.varDir, { recursive: true });
    writeFileSync(ctx.rootLockFile, "");
    const handler = makeHandler([script("exit-code.sh"), "0"], {
      retry: { attempts: 3, backoffMs: 1 },
    });
    const outcome = await runWithRetry(handler, makeEvent(), ctx, () => {});
    expect(outcome).toMatchObject({ outcome: "refused", attempts: 1 });
  });

  it.skipIf(!isRoot)("does not stop handlers that run as another user", async () => {
    const ctx = makeContext(root.varDir);
    mkdirSync(root.varDir, { recursive: true });
    writeFileSync(ctx.rootLockFile, "");
    const handler = makeHandler([root.script("exit-code.sh"), "0"], { user: nobody });
    expect((await runHandler(handler, makeEvent(), ctx)).outcome).toBe("ok");
  });
});
