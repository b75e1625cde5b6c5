import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runsIn, waitForLog, withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readEnvDump } from "../helpers/nul-list.js";

const newRoot = useE2eRoots();

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile());
}

describe("the log", () => {
  test("every line is JSON, and each run is one line with the fields of SPEC §8", async () => {
    const root = newRoot();
    root.handler("10-handlers.yaml", [
      { id: "talk", event: "*", command: [fixtureScript("print-output.sh"), "hello", "oops"] },
      { id: "die", event: "*", command: [fixtureScript("kill-self.sh"), "TERM"] },
    ]);
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitForLog(root.logFile, (e) => e.message.startsWith("event failed") && e.file === name);

    // client_create without its required params: a warning, and the handlers run anyway.
    expect(withMessage(root.logFile, "event lacks required params")).toHaveLength(1);
    const lines = readFileSync(root.logFile, "utf8").trimEnd().split("\n");
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const fields = {
      event: "client_create",
      event_id: eventIdOf(name),
      attempt: 1,
      duration_ms: expect.any(Number),
    };
    expect(runsIn(root.logFile)).toEqual([
      expect.objectContaining({
        ...fields,
        handler: "talk",
        outcome: "ok",
        exit_code: 0,
        signal: null,
        stdout: "hello\n",
        stderr: "oops\n",
      }),
      expect.objectContaining({
        ...fields,
        handler: "die",
        outcome: "failed",
        exit_code: null,
        signal: "SIGTERM",
        stdout: "",
        stderr: "",
      }),
    ]);
  });

  test("log.file and log.level in evh.yaml choose the file and what goes into it", async () => {
    const root = newRoot({ log: { file: "logs/custom.log", level: "warn" } });
    root.handler("10-handlers.yaml", [
      { id: "fine", event: "*", command: [fixtureScript("exit-code.sh"), "0"] },
      { id: "broken", event: "*", command: [fixtureScript("exit-code.sh"), "3"] },
    ]);
    // At level warn the agent does not say it is ready: the event waits for it in new/.
    const name = root.drop({ event: "client_create" });
    await root.start([], { waitReady: false });
    const logFile = root.path("logs", "custom.log");
    await waitForLog(logFile, (e) => e.message.startsWith("event failed") && e.file === name);
    expect(runsIn(logFile).map((r) => [r.handler, r.level])).toEqual([["broken", "warn"]]);
    expect(existsSync(root.logFile)).toBe(false);
  });

  test("secrets are *** in the log and sidecars, while the handler gets the real value", async () => {
    const password = "Tr0ub4dor&3-horse";
    const apiKey = "ak_live_51HxYz";
    const root = newRoot({ redact: ["API_KEY"] });
    root.handler("10-handlers.yaml", [
      {
        id: "show",
        event: "*",
        command: [fixtureScript("print-output.sh"), "pw=<new_password>", "key <new_api_key>!"],
      },
      { id: "env", event: "*", command: [fixtureScript("dump-env.sh"), root.out("env")] },
      { id: "fail", event: "*", command: [fixtureScript("exit-code.sh"), "3"] },
    ]);
    const agent = await root.start();
    const name = root.drop({
      event: "client_create",
      params: { NEW_LOGIN_NAME: "jdoe", NEW_PASSWORD: password, NEW_API_KEY: apiKey },
    });
    await waitForLog(root.logFile, (e) => e.message.startsWith("event failed") && e.file === name);
    // Stopped, so that everything it would write is written before the search.
    expect((await agent.stop()).code).toBe(0);

    const env = readEnvDump(root.out("env"));
    expect([env.NEW_PASSWORD, env.NEW_API_KEY]).toEqual([password, apiKey]);
    const show = runsIn(root.logFile).find((r) => r.handler === "show");
    expect(show).toMatchObject({ stdout: "pw=***\n", stderr: "key ***!\n" });

    const reports = [
      ...filesUnder(root.varDir),
      ...filesUnder(root.path("spool/failed")).filter((f) => f.endsWith(".error.json")),
    ];
    expect(reports).toContain(root.logFile);
    for (const file of reports) {
      const text = readFileSync(file, "utf8");
      expect({ file, password: text.includes(password) }).toEqual({ file, password: false });
      expect({ file, apiKey: text.includes(apiKey) }).toEqual({ file, apiKey: false });
    }
    expect(agent.output()).not.toContain(password);
    expect(agent.output()).not.toContain(apiKey);
  });
});
