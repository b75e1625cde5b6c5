import { existsSync, mkdirSync, readFileSync } from "node:fs";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildInvocation } from "../../src/execute/build-invocation.js";
import { runHandler } from "../../src/execute/run-handler.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import {
  makeContext,
  makeEvent,
  makeHandler,
  readEnvDump,
  readNulList,
  script,
} from "./fixtures.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-exec-");
});
afterEach(() => root.cleanup());

const run = (argv: string[], overrides: Parameters<typeof makeHandler>[1] = {}, params = {}) =>
  runHandler(makeHandler(argv, overrides), makeEvent(params), makeContext(root.varDir));

describe("runHandler: outcomes", () => {
  it("is ok on exit 0 and failed with the status otherwise", async () => {
    expect(await run([script("exit-code.sh"), "0"])).toMatchObject({
      handler: "test-handler",
      attempt: 1,
      outcome: "ok",
      exitCode: 0,
      signal: null,
      error: undefined,
    });
    expect(await run([script("exit-code.sh"), "3"])).toMatchObject({
      outcome: "failed",
      exitCode: 3,
      signal: null,
      error: "exit 3",
    });
  });

  it("is failed with the signal's name when the handler is killed by one", async () => {
    expect(await run([script("kill-self.sh"), "SEGV"])).toMatchObject({
      outcome: "failed",
      exitCode: null,
      signal: "SIGSEGV",
      error: "killed by SIGSEGV",
    });
  });

  it("honours a timeout longer than setTimeout's 24.8-day limit", async () => {
    const thirtyDays = 30 * 24 * 3600 * 1000;
    expect(await run([script("exit-code.sh"), "0"], { timeoutMs: thirtyDays })).toMatchObject({
      outcome: "ok",
    });
  });

  it("captures stdout and stderr and masks secret values of 6+ characters", async () => {
    const record = await run(
      [script("print-output.sh"), "token=<new_api_token>", "pw=<new_password>"],
      {},
      { NEW_API_TOKEN: "tok-123456", NEW_PASSWORD: "short" },
    );
    expect(record).toMatchObject({ outcome: "ok", stdout: "token=***\n", stderr: "pw=short\n" });
  });
});

describe("runHandler: programs that cannot start", () => {
  it("says so for a missing program (ENOENT)", async () => {
    const missing = root.path("missing.sh");
    expect(await run([missing])).toMatchObject({
      outcome: "failed",
      exitCode: null,
      signal: null,
      error: `cannot execute ${missing}: no such file or directory (ENOENT)`,
    });
  });

  it("names a missing #! interpreter instead of the script (ENOENT)", async () => {
    const file = root.write("bad-interp.sh", "#!/nonexistent/interp\necho\n", 0o755);
    expect((await run([file])).error).toBe(
      `cannot execute ${file}: its interpreter /nonexistent/interp was not found (ENOENT)`,
    );
  });

  it("says so for a file that is not executable (EACCES)", async () => {
    const file = root.write("not-exec.sh", "#!/bin/sh\necho\n", 0o644);
    expect(await run([file])).toMatchObject({
      outcome: "failed",
      exitCode: null,
      error: `cannot execute ${file}: permission denied (EACCES)`,
    });
  });

  it("says so for an argument list too long (E2BIG)", async () => {
    const record = await run(["/bin/true", "x".repeat(3_000_000)]);
    expect(record.error).toBe("cannot execute /bin/true: argument list too long (E2BIG)");
  });

  // execvp(3) semantics, which libuv keeps: a file the kernel refuses with
  // ENOEXEC is handed to /bin/sh, so ENOEXEC never reaches evh.
  it("runs a text file without #! with /bin/sh, as execvp does", async () => {
    expect(await run([script("no-shebang.sh")])).toMatchObject({
      outcome: "ok",
      stdout: "ran without a shebang\n",
    });
  });

  it("fails a file that is neither #! nor a binary by /bin/sh's status (126/127)", async () => {
    const file = root.write("garbage.bin", Buffer.from([1, 2, 3, 0x67, 0x61, 0x72, 0x62]), 0o755);
    const record = await run([file]);
    expect(record.outcome).toBe("failed");
    expect([126, 127]).toContain(record.exitCode);
  });
});

describe("runHandler: what the handler receives", () => {
  it("gets exactly the built environment, nothing of the agent's", async () => {
    const out = root.path("env.bin");
    const handler = makeHandler([script("dump-env.sh"), out], { env: { CRM_URL: "https://crm" } });
    const event = makeEvent({ NEW_LOGIN_NAME: "jm", NEW_NOTE: "two\nlines" });
    const ctx = makeContext(root.varDir, { extraVars: { NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd" } });
    expect((await runHandler(handler, event, ctx)).outcome).toBe("ok");
    const seen = readEnvDump(out);
    const expected = buildInvocation(handler, event, {
      user: ctx.agentUser,
      attempt: 1,
      eventFile: ctx.eventFile,
      paramsFile: seen.EVH_PARAMS_FILE ?? "",
      extraVars: ctx.extraVars,
      agentUid: ctx.agentUser.uid,
    }).env;
    expect(seen).toEqual({ ...expected });
    expect(seen.EVH_PARAMS_FILE).toMatch(/\/evh-params-[^/]+\/params-\d+$/);
  });

  it("gets each hostile param value as exactly one argv item", async () => {
    const out = root.path("argv.bin");
    const values = ["a; touch /tmp/evh-pwned", "$(id)", "`id`", "x\ny", `'"`, "a  b", "-rf", ""];
    const params = Object.fromEntries(values.map((v, i) => [`NEW_V${i}`, v]));
    const argv = [script("dump-argv.sh"), out, ...values.map((_, i) => `<new_v${i}>`)];
    expect((await run(argv, {}, params)).outcome).toBe("ok");
    expect(readNulList(out)).toEqual(values);
    expect(existsSync("/tmp/evh-pwned")).toBe(false);
  });

  it("runs a shell command through /bin/sh with the params in the environment", async () => {
    const record = await run(
      ['printf "%s" "$NEW_LOGIN_NAME"; exit 4'],
      { shell: true },
      { NEW_LOGIN_NAME: "$(id)" },
    );
    expect(record).toMatchObject({ outcome: "failed", exitCode: 4, stdout: "$(id)" });
  });

  it("writes a private params file in the handler's encoding and removes it afterwards", async () => {
    const out = root.path("params.bin");
    const record = await run(
      [script("params-file.sh"), out],
      { encoding: "cp1251" },
      {
        NEW_CONTACT_NAME: "Иван",
        NEW_NOTE: "a\\b\nc",
      },
    );
    expect(record.outcome).toBe("ok");
    expect(iconv.decode(readFileSync(out), "cp1251")).toBe(
      "NEW_CONTACT_NAME=Иван\nNEW_NOTE=a\\\\b\\nc\n",
    );
    const [fileStat, dirStat, file = ""] = record.stdout.split("\n");
    const uid = process.getuid?.();
    expect(fileStat).toBe(`600 ${uid} ${process.getgid?.()}`);
    expect(dirStat).toBe(`700 ${uid} ${process.getgid?.()}`);
    expect(existsSync(file)).toBe(false);
  });

  it("decodes output with the handler's encoding", async () => {
    const record = await run([script("print-bytes.sh"), "\\317\\360\\350\\342\\345\\362"], {
      encoding: "cp1251",
    });
    expect(record.stdout).toBe("Привет");
  });

  it("gets the event as JSON on stdin, in the handler's encoding", async () => {
    const out = root.path("stdin.bin");
    const record = await run(
      [script("read-stdin.sh"), out],
      { stdin: "json", encoding: "cp1251" },
      {
        NEW_CONTACT_NAME: "Иван",
      },
    );
    expect(record.outcome).toBe("ok");
    expect(JSON.parse(iconv.decode(readFileSync(out), "cp1251"))).toEqual({
      event: "client_create",
      id: "evt-1",
      event_id: "evt-1",
      occurred_at: "2026-11-28T10:00:00Z",
      key: null,
      params: { NEW_CONTACT_NAME: "Иван" },
    });
  });

  it("swallows EPIPE when the handler closes stdin before reading it", async () => {
    // Far more than a pipe buffer, so the write is still going when stdin closes.
    const params = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`NEW_P${i}`, "v".repeat(60_000)]),
    );
    const record = await run([script("close-stdin.sh")], { stdin: "json" }, params);
    expect(record).toMatchObject({ outcome: "ok", exitCode: 0, stdout: "stdin closed\n" });
  });

  it("gets no stdin without stdin: json", async () => {
    const out = root.path("stdin.bin");
    expect((await run([script("read-stdin.sh"), out])).outcome).toBe("ok");
    expect(readFileSync(out, "utf8")).toBe("");
  });
});

describe("runHandler: working directory", () => {
  it("starts in the handler's cwd", async () => {
    const dir = root.path("work");
    mkdirSync(dir);
    const out = root.path("id.txt");
    expect((await run([script("dump-identity.sh"), out], { cwd: dir })).outcome).toBe("ok");
    expect(readFileSync(out, "utf8")).toContain(`cwd=${dir}\n`);
  });

  it("fails, without starting, when the handler's cwd does not exist", async () => {
    const dir = root.path("nope");
    const record = await run([script("exit-code.sh"), "0"], { cwd: dir });
    expect(record).toMatchObject({ outcome: "failed", exitCode: null });
    expect(record.error).toMatch(
      new RegExp(`^cannot enter working directory ${dir} as \\S+: no such directory$`),
    );
  });

  it("falls back to / when the user's home does not exist", async () => {
    const out = root.path("id.txt");
    const ctx = makeContext(root.varDir);
    const agentUser = { ...ctx.agentUser, home: root.path("no-home") };
    const record = await runHandler(makeHandler([script("dump-identity.sh"), out]), makeEvent(), {
      ...ctx,
      agentUser,
    });
    expect(record.outcome).toBe("ok");
    expect(readFileSync(out, "utf8")).toContain(`home=${agentUser.home}\ncwd=/\n`);
  });
});
