import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EVH_BIN } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { waitFor } from "../helpers/wait-for.js";
import { type CliRoot, errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

/** Four handlers of client_create: two run, one is skipped by `when`, one is disabled. */
function populate(root: CliRoot): void {
  root.write(
    "handlers.d/10-a.yaml",
    `id: argv
event: client_create
priority: 10
command: ["${fixtureScript("dump-argv.sh")}", "${root.path("argv.out")}", "<new_login_name>", "pw=<new_password>", "<new_contact_name>"]
---
id: fails
event: "client_*"
priority: 90
env: { API_TOKEN: "s3cr3t-token" }
command: ${fixtureScript("print-output.sh")} out-<new_login_name> err
---
id: only-example
event: client_create
when: { NEW_EMAIL: "*@example.com" }
command: /bin/true
---
id: off
event: client_create
enabled: false
command: /bin/true
`,
  );
  root.write(
    "handlers.d/20-shell.yaml",
    `id: copy-event
event: client_create
priority: 5
shell: true
command: cat "$EVH_EVENT_FILE" > ${root.path("event.out")}; exit 4
`,
  );
}

const EVENT = [
  "client_create",
  "NEW_LOGIN_NAME=jdoe",
  "NEW_CONTACT_NAME=Jörg Müller",
  "NEW_PASSWORD=hunter22",
];

describe("evh test", () => {
  it("shows the handlers that would run, in order, with argv, user, cwd and env; secrets masked", async () => {
    const root = newRoot();
    populate(root);
    const r = await root.evh("test", ...EVENT, "--json");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.event).toMatchObject({
      event: "client_create",
      params: { NEW_LOGIN_NAME: "jdoe", NEW_CONTACT_NAME: "Jörg Müller", NEW_PASSWORD: "***" },
    });
    const summary = out.handlers.map((h: { id: string; state: string; reason: string | null }) => [
      h.id,
      h.state,
      h.reason,
    ]);
    expect(summary).toEqual([
      ["fails", "run", null],
      ["only-example", "skipped", "when: the event has no NEW_EMAIL"],
      ["off", "disabled", "enabled: false"],
      ["argv", "run", null],
      ["copy-event", "run", null],
    ]);
    const argv = out.handlers[3];
    expect(argv.argv).toEqual([
      fixtureScript("dump-argv.sh"),
      root.path("argv.out"),
      "jdoe",
      "pw=***",
      "Jörg Müller",
    ]);
    expect(argv.env).toMatchObject({
      NEW_LOGIN_NAME: "jdoe",
      NEW_PASSWORD: "***",
      EVH_EVENT: "client_create",
      EVH_HANDLER_ID: "argv",
      EVH_ATTEMPT: "1",
    });
    expect(argv.env.EVH_EVENT_FILE).toBe(root.path("spool", "cur", `${out.event.event_id}.json`));
    expect(argv.user.uid).toBe(process.getuid?.());
    expect(out.handlers[0].env.API_TOKEN).toBe("***");
    expect(out.handlers[4].argv.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(out.handlers.every((h: { result: unknown }) => h.result === null)).toBe(true);
  });

  it("says which params stayed out of the environment, and why", async () => {
    const root = newRoot();
    populate(root);
    const args = [...EVENT, "BROWSER=id", "PYTHONWARNINGS=all:0:antigravity.x:0:0"];
    const json = JSON.parse((await root.evh("test", ...args, "--json")).stdout);
    expect(json.params_not_in_env).toEqual(["BROWSER", "PYTHONWARNINGS"]);
    for (const h of json.handlers) expect(Object.keys(h.env)).not.toContain("BROWSER");
    const text = await root.evh("test", ...args);
    expect(text.stdout).toContain(
      "\n  not in the environment: BROWSER, PYTHONWARNINGS (only OLD_* and NEW_* params become variables; the others reach a handler through <name> placeholders, stdin: json and EVH_PARAMS_FILE)\n",
    );
  });

  it("prints the same plan for people; warns about unknown events and missing params", async () => {
    const root = newRoot();
    populate(root);
    const r = await root.evh(
      "test",
      "client_create",
      "NEW_LOGIN_NAME=jdoe",
      "NEW_PASSWORD=hunter22",
    );
    expect(r.code).toBe(0);
    expect(errorLine(r)).toBe(
      "evh: warning: event client_create lacks required params NEW_CONTACT_NAME (evh list-params client_create shows them); handlers run anyway",
    );
    expect(r.stdout).toContain("5 handlers match, in run order:");
    expect(r.stdout).toContain(
      "\n2. only-example (handlers.d/10-a.yaml:12, priority 50): skipped: when: the event has no NEW_EMAIL\n",
    );
    expect(r.stdout).toContain(
      "\n3. off (handlers.d/10-a.yaml:17, priority 50): disabled: enabled: false\n",
    );
    expect(r.stdout).toContain(
      `   argv     ${JSON.stringify([fixtureScript("dump-argv.sh"), root.path("argv.out"), "jdoe", "pw=***", ""])}\n`,
    );
    expect(r.stdout).toContain("            NEW_PASSWORD=***\n");
    expect(r.stdout).not.toContain("hunter22");
    expect(root.names(".")).not.toContain("argv.out"); // a dry run runs nothing
    const unknown = await root.evh("test", "clinet_create");
    expect(unknown.code).toBe(0);
    expect(unknown.stdout).toContain("no handler matches this event");
    expect(errorLine(unknown)).toBe(
      'evh: warning: event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?); evh list-events shows them',
    );
  });

  it("--exec runs them now, outside the spool, and exits 1 when one fails", async () => {
    const root = newRoot();
    populate(root);
    const r = await root.evh("test", ...EVENT, "--exec", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const results = out.handlers.map((h: { id: string; result: { outcome: string } | null }) => [
      h.id,
      h.result?.outcome ?? null,
    ]);
    expect(results).toEqual([
      ["fails", "ok"],
      ["only-example", null],
      ["off", null],
      ["argv", "ok"],
      ["copy-event", "failed"],
    ]);
    expect(out.handlers[0].result).toMatchObject({ stdout: "out-jdoe\n", stderr: "err\n" });
    expect(out.handlers[4].result).toMatchObject({ exit_code: 4, attempts: 1 });
    expect(readFileSync(root.path("argv.out"), "utf8").split("\0")).toEqual([
      "jdoe",
      "pw=hunter22",
      "Jörg Müller",
      "",
    ]);
    // EVH_EVENT_FILE was a temp copy of the event, gone afterwards; the spool was not touched.
    expect(JSON.parse(root.read("event.out")).params.NEW_PASSWORD).toBe("hunter22");
    expect(out.handlers[4].env.EVH_EVENT_FILE).not.toContain(root.dir);
    expect(root.names("spool/new")).toEqual([]);
  });

  // SPEC §6: a handler cannot write to the administrator's terminal.
  it("--exec shows handler output with control characters escaped", async () => {
    const root = newRoot();
    // printf's format: a title sequence, a CR and a faked result line, cursor-up, a C1 CSI.
    const format = String.raw`\033]0;owned\007fake\r   result   ok\n\033[1A\302\233x\n`;
    const command = JSON.stringify([fixtureScript("print-bytes.sh"), format]);
    root.write("handlers.d/10-tty.yaml", `id: tty\nevent: client_create\ncommand: ${command}\n`);
    const r = await root.evh("test", ...EVENT, "--exec");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '   stdout   "\\u001b]0;owned\\u0007fake\\r   result   ok"\n            "\\u001b[1A\\u009bx"\n',
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what must not be there
    expect(r.stdout).not.toMatch(/[\u0007\u001b\r\u009b]/);
  });

  it("escapes a param's control characters in the stdin JSON and in a when reason", async () => {
    const root = newRoot();
    root.write(
      "handlers.d/10-c1.yaml",
      `id: json\nevent: client_create\nstdin: json\ncommand: /bin/true\n---\nid: only-x\nevent: client_create\nwhen: { NEW_LOGIN_NAME: "x" }\ncommand: /bin/true\n`,
    );
    const r = await root.evh(
      "test",
      "client_create",
      "NEW_LOGIN_NAME=a\u009b2Jb",
      "NEW_CONTACT_NAME=c",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\\u009b");
    expect(r.stdout).not.toMatch(/[\u009b]/);
  });

  it("takes the event from --file and refuses a bad one (exit 2)", async () => {
    const root = newRoot();
    populate(root);
    const file = root.write(
      "e.yaml",
      "event: client_update\nid: order-1\nparams: { NEW_LOGIN_NAME: x }\n",
    );
    const out = JSON.parse((await root.evh("test", "--file", file, "--json")).stdout);
    expect(out.event).toMatchObject({ event: "client_update", id: "order-1", event_id: "order-1" });
    expect(out.handlers.map((h: { id: string }) => h.id)).toEqual(["fails"]);
    root.write("handlers.d/30-broken.yaml", "event: client_update\ncomand: /bin/true\n");
    const broken = await root.evh("test", "--file", file);
    expect(broken.stderr).toContain(
      "\nevh: warning: handlers.d/30-broken.yaml fails to load, so its handlers are left out (evh validate shows why)\n",
    );
    const bad = await root.evh("test", "client_create", "NEW_X");
    expect(bad.code).toBe(2);
  });

  it.skipIf(!isRoot)(`says which handlers the root lock refuses${ROOT_ONLY}`, async () => {
    const root = newRoot();
    root.write("handlers.d/a.yaml", "id: as-root\nevent: '*'\ncommand: /bin/true\n");
    const lock = root.write("var/root.event_handler.lock", "");
    const out = JSON.parse((await root.evh("test", "service_restart", "--json")).stdout);
    expect(out.handlers[0]).toMatchObject({
      id: "as-root",
      state: "refused",
      reason: `root lock ${lock} exists; handlers that run as root are not started`,
    });
  });

  it("--exec: SIGINT cancels the running handler and the rest (exit 1), leaving no process", async () => {
    const root = newRoot();
    const marker = root.path("started");
    root.write(
      "handlers.d/h.yaml",
      `id: hang
event: "*"
shell: true
command: echo $$ > ${marker}; exec ${fixtureScript("sleep-forever.sh")}
---
id: after
event: "*"
priority: 1
command: /bin/true
`,
    );
    const child = spawn(EVH_BIN, ["test", "service_restart", "--exec"], {
      cwd: root.dir,
      env: { ...process.env, EVH_ROOT: root.dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await waitFor(() => root.names(".").includes("started"), 15_000, "the handler to start");
    child.kill("SIGINT");
    expect(await exited).toBe(1);
    expect(stdout).toContain("   result   failed (signal SIGTERM, ");
    expect(stdout).toContain("   result   failed (0 ms): canceled\n");
    const pid = Number(root.read("started"));
    const gone = () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    await waitFor(gone, 5000, `handler process ${pid} to be gone`);
  });
});
