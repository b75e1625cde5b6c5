import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { isProcessAlive } from "../../src/execute/process-session.js";
import { runsIn, withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readEnvDump, readNulList } from "../helpers/nul-list.js";
import { readSidecar } from "../helpers/sidecar.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

describe("running handlers", () => {
  test("a param value stays exactly one argv item and is never run as a command", async () => {
    const root = newRoot();
    const marker = root.out("injected");
    const values = {
      NEW_SEMI: `x; touch ${marker}`,
      NEW_SUBST: `$(touch ${marker})`,
      NEW_TICKS: `\`touch ${marker}\``,
      NEW_NEWLINE: `line one\ntouch ${marker}`,
      NEW_QUOTES: `it's "quoted" \\ back`,
      NEW_SPACES: "  two  spaces  ",
      NEW_DASH: "-rf",
      NEW_REDIRECT: `> ${marker}`,
      NEW_GLOB: "*",
    };
    // The string form of `command`: split like a shell splits words, then substituted per item.
    root.handler("argv.yaml", {
      id: "argv",
      event: "*",
      command: `${fixtureScript("dump-argv.sh")} ${root.out("argv")} <new_semi> "<new_subst>" <new_ticks> <new_newline> '<new_quotes>' <new_spaces> <new_dash> <new_redirect> <new_glob> --name=<new_spaces> <new_missing>`,
    });
    await root.start();
    root.drop({ event: "client_create", params: values });
    await waitFor(() => runsIn(root.logFile).length === 1, 10_000, "the run");
    expect(readNulList(root.out("argv"))).toEqual([
      values.NEW_SEMI,
      values.NEW_SUBST,
      values.NEW_TICKS,
      values.NEW_NEWLINE,
      values.NEW_QUOTES,
      values.NEW_SPACES,
      values.NEW_DASH,
      values.NEW_REDIRECT,
      values.NEW_GLOB,
      `--name=${values.NEW_SPACES}`,
      "",
    ]);
    expect(existsSync(marker)).toBe(false);
  });

  test("the environment is exactly SPEC §4's: clean base, params, IDN forms, EVH_*, handler env", async () => {
    const root = newRoot();
    root.handler("10-env.yaml", [
      {
        id: "env",
        event: "*",
        env: { CRM_URL: "https://crm.internal" },
        command: [fixtureScript("dump-env.sh"), root.out("env")],
      },
      {
        id: "params",
        event: "*",
        command: [fixtureScript("params-file.sh"), root.out("params")],
      },
    ]);
    // Whatever the agent's own environment holds must not reach handlers.
    await root.start([], { env: { FOO: "from-the-agent", LD_LIBRARY_PATH: "/agent/lib" } });
    const name = root.drop({
      event: "domain_create",
      id: "evt-42",
      occurred_at: "2026-11-28T10:00:00Z",
      params: {
        NEW_DOMAIN_NAME: "пример.рф",
        OLD_DOMAIN_NAME: "exa mple.com",
        NEW_LOGIN_NAME: "jdoe",
      },
    });
    await waitFor(() => runsIn(root.logFile).length === 2, 10_000, "both runs");

    const env = readEnvDump(root.out("env"));
    const me = userInfo();
    expect(env).toEqual({
      PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      HOME: me.homedir,
      USER: me.username,
      LOGNAME: me.username,
      SHELL: me.shell,
      LANG: "C.UTF-8",
      NEW_DOMAIN_NAME: "пример.рф",
      NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd.xn--p1ai",
      OLD_DOMAIN_NAME: "exa mple.com", // not a domain name: no OLD_DOMAIN_NAME_ASCII
      NEW_LOGIN_NAME: "jdoe",
      EVH_EVENT: "domain_create",
      EVH_EVENT_ID: "evt-42",
      EVH_EVENT_FILE: root.path("spool/cur", name),
      EVH_HANDLER_ID: "env",
      EVH_OCCURRED_AT: "2026-11-28T10:00:00.000Z",
      EVH_ATTEMPT: "1",
      EVH_PARAMS_FILE: expect.any(String),
      CRM_URL: "https://crm.internal",
    });
    // EVH_PARAMS_FILE was readable by the handler and holds the params.
    expect(readFileSync(root.out("params"), "utf8")).toBe(
      "NEW_DOMAIN_NAME=пример.рф\nOLD_DOMAIN_NAME=exa mple.com\nNEW_LOGIN_NAME=jdoe\n",
    );
    expect(
      withMessage(root.logFile, "param OLD_DOMAIN_NAME is not a valid domain name"),
    ).toHaveLength(1);
  });

  test("params files live in one private directory of the agent's, gone after each run; the directory goes at stop", async () => {
    const root = newRoot();
    const tmp = root.path("tmp");
    mkdirSync(tmp);
    root.handler("params.yaml", {
      id: "params",
      event: "*",
      command: [fixtureScript("params-file.sh"), root.out("params")],
    });
    // As under systemd's RuntimeDirectory=: the first choice for the params files' directory.
    const agent = await root.start([], { env: { RUNTIME_DIRECTORY: tmp } });
    root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "a" } });
    root.drop({ event: "client_create", params: { NEW_LOGIN_NAME: "b" } });
    await waitFor(() => runsIn(root.logFile).length === 2, 10_000, "both runs");
    // params-file.sh prints the file's mode and owner, its directory's, then its path.
    const seen = runsIn(root.logFile).map((run) => run.stdout.split("\n"));
    const uid = process.getuid?.();
    for (const [file, dir] of seen) {
      expect(file).toBe(`600 ${uid} ${process.getgid?.()}`);
      expect(dir).toBe(`700 ${uid} ${process.getgid?.()}`);
    }
    const [first, second] = seen.map(([, , file = ""]) => file);
    expect(path.dirname(first ?? "")).toBe(path.dirname(second ?? ""));
    expect(first).not.toBe(second);
    expect(readdirSync(tmp)).toEqual([path.basename(path.dirname(first ?? ""))]);
    expect(readdirSync(path.dirname(first ?? ""))).toEqual([]);
    expect((await agent.stop()).code).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
  });

  test("stdin: json gives the handler the event as JSON", async () => {
    const root = newRoot();
    root.handler("stdin.yaml", {
      id: "stdin",
      event: "*",
      stdin: "json",
      command: [fixtureScript("read-stdin.sh"), root.out("stdin")],
    });
    await root.start();
    const name = root.drop({
      event: "client_create",
      key: "k1",
      occurred_at: "2026-11-28T10:00:00Z",
      params: { NEW_CONTACT_NAME: "Jörg Müller" },
    });
    await waitFor(() => runsIn(root.logFile).length === 1, 10_000, "the run");
    expect(JSON.parse(readFileSync(root.out("stdin"), "utf8"))).toEqual({
      event: "client_create",
      id: null,
      event_id: eventIdOf(name),
      occurred_at: "2026-11-28T10:00:00.000Z",
      key: "k1",
      params: { NEW_CONTACT_NAME: "Jörg Müller" },
    });
  });

  test("a timeout kills the handler's whole process group, background child included", async () => {
    const root = newRoot();
    root.handler("slow.yaml", {
      id: "slow",
      event: "*",
      timeout: "1s",
      command: [fixtureScript("spawn-child.sh"), root.out("child.pid"), "wait"],
    });
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => root.files("failed").includes(`${name}.error.json`), 15_000, "failed/");
    const child = Number(readFileSync(root.out("child.pid"), "utf8"));
    expect(isProcessAlive(child)).toBe(false);
    expect(readSidecar(root, name).reason).toBe("handler slow timed out");
    expect(runsIn(root.logFile).map((r) => r.outcome)).toEqual(["timeout"]);
  });

  test("retry runs a failing handler again with EVH_ATTEMPT counting up", async () => {
    const root = newRoot();
    root.handler("10-retry.yaml", [
      {
        id: "third-time-lucky",
        event: "*",
        retry: { attempts: 3, backoff: "50ms" },
        command: [fixtureScript("count-attempts.sh"), root.out("lucky"), "3"],
      },
      {
        id: "never",
        event: "*",
        retry: { attempts: 1, backoff: "50ms" },
        command: [fixtureScript("count-attempts.sh"), root.out("never")],
      },
    ]);
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => root.files("failed").includes(`${name}.error.json`), 15_000, "failed/");
    expect(root.lines("lucky")).toEqual(["1", "2", "3"]);
    expect(root.lines("never")).toEqual(["1", "2"]);
    const runs = runsIn(root.logFile).map((r) => `${r.handler} ${r.attempt} ${r.outcome}`);
    expect(runs).toEqual([
      "third-time-lucky 1 failed",
      "third-time-lucky 2 failed",
      "third-time-lucky 3 ok",
      "never 1 failed",
      "never 2 failed",
    ]);
    const sidecar = readSidecar(root, name);
    expect(sidecar.reason).toBe("handler never failed: exit 1 after 2 attempts");
    expect(sidecar.outcomes?.map((o) => [o.handler, o.outcome, o.attempts])).toEqual([
      ["third-time-lucky", "ok", 3],
      ["never", "failed", 2],
    ]);
  });
});
