/**
 * torture:injection — what a producer writes into an event is data, never
 * code, never a path, never a leak.
 *
 * - Param values full of shell syntax, newlines, `=`, leading `-`, and
 *   placeholder look-alikes reach a handler as exactly one argv item each
 *   (no shell, no second substitution), and through `shell: true` only as
 *   a quoted environment variable. A canary file proves nothing ran.
 * - `../` in event names, ids, keys and params writes nothing outside the
 *   root.
 * - The root lock, created and removed while the agent runs, refuses root
 *   handlers at once and lets them run again at once.
 * - A handler running as `nobody` cannot read a 0600 root file, the event
 *   file (which holds the secrets) or the journal.
 * - Secrets (NEW_PASSWORD, ..._SECRET, ..._TOKEN, a `redact:` fragment)
 *   printed by a handler in every way never reach the log, the console,
 *   sidecars or `evh test` output, not even cut in half by the 64 KiB
 *   output tail.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  FIXTURES,
  handlerYaml,
  isRoot,
  makeRoot,
  REPO,
  Report,
  runEvh,
  startAgent,
  until,
} from "./harness.mjs";

export const INJECTION_DEFAULTS = { keep: false, log: () => undefined };

const DUMP_ARGV = path.join(REPO, "test", "fixtures", "scripts", "dump-argv.sh");
const RECORD = path.join(FIXTURES, "record-run.sh");

export async function runInjection(options = {}) {
  const o = { ...INJECTION_DEFAULTS, ...options };
  const report = new Report("injection");
  const root = makeRoot({ config: { redact: ["API_KEY"] } });
  const scratch = root.path("scratch");
  mkdirSync(scratch, { mode: 0o777 });
  chmodSync(scratch, 0o777);
  const canary = path.join(scratch, "CANARY");
  const tmpBefore = new Set(readdirSync(tmpdir()));
  let agent;
  try {
    writeHandlers(root, scratch);
    agent = await startAgent(root);
    o.log("argv and shell");
    await argvCases(report, root, scratch, canary);
    o.log("paths");
    await pathCases(report, root, tmpBefore);
    o.log("root lock");
    await rootLockCases(report, root, scratch);
    o.log("nobody");
    await nobodyCases(report, root, scratch);
    o.log("secrets");
    await secretCases(report, root, agent);
    report.check("the agent never exited", agent.alive, JSON.stringify(agent.exitInfo));
    const stopped = await agent.stop();
    report.check("the agent stops cleanly (exit 0)", stopped.code === 0, JSON.stringify(stopped));
    report.note(
      "a value with a leading - is one argv item, but a program that parses options reads it as one: put -- before placeholders",
    );
    report.note(
      "EVH_EVENT_ID is the producer's `id` when there is one, any text (../ included): a handler must not use it as a path",
    );
    return report;
  } finally {
    if (agent?.alive) await agent.kill9();
    if (!o.keep) root.cleanup();
    else report.note(`root kept: ${root.dir}`);
  }
}

function writeHandlers(root, scratch) {
  const docs = [
    {
      id: "argv",
      event: "t_argv",
      command: [
        DUMP_ARGV,
        path.join(scratch, "argv.out"),
        "--fixed",
        "<new_value>",
        "pre-<new_value>-post",
        "<new_other>",
      ],
    },
    {
      id: "shell",
      event: "t_argv",
      shell: true,
      command: `printf '%s' "$NEW_VALUE" > ${path.join(scratch, "shell.out")}`,
    },
    { id: "record", event: "t_path", command: [RECORD, path.join(scratch, "paths.log"), "0"] },
    {
      id: "as-root",
      event: "t_lock",
      user: "root",
      command: [RECORD, path.join(scratch, "lock.log"), "0"],
    },
    ...(isRoot
      ? [
          {
            id: "as-nobody",
            event: "t_lock",
            user: "nobody",
            command: [root.fixture("record-run.sh"), path.join(scratch, "lock.log"), "0"],
          },
          {
            id: "snoop",
            event: "t_snoop",
            user: "nobody",
            command: [
              root.fixture("snoop.sh"),
              path.join(scratch, "root-only.txt"),
              root.path("var", "journal.jsonl"),
            ],
          },
        ]
      : []),
    {
      id: "leaky",
      event: "t_secret",
      stdin: "json",
      retry: { attempts: 1, backoff: "10ms" },
      command: [path.join(FIXTURES, "leak-secrets.sh"), "<new_password>"],
    },
  ];
  root.writeHandler("10-injection.yaml", docs.map(handlerYaml).join("---\n"));
}

/** Emits an event and waits for it to be done, failed or quarantined; returns that log line. */
async function settle(root, doc, name) {
  const file = root.emit(doc, name);
  return until(
    () =>
      root
        .logLines()
        .find(
          (l) =>
            (l.message === "event done" || /^(event failed|quarantined )/.test(l.message)) &&
            l.file === file,
        ),
    20_000,
    40,
  );
}

async function argvCases(report, root, scratch, canary) {
  const values = [
    `; touch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `| touch ${canary}`,
    `&& touch ${canary}`,
    `> ${canary}`,
    `x\ntouch ${canary}`,
    `x\r\ntouch ${canary}`,
    "*",
    "~root",
    "$PATH and \x24{PATH}",
    "$HOME",
    "'single' \"double\"",
    "a=b=c",
    "NEW_OTHER=injected",
    "-rf",
    `--output=${canary}`,
    "-",
    "--",
    " leading and trailing ",
    "\ttab",
    "back\\slash\\",
    "%s%n%x",
    "<new_other>",
    "<evh_event_file>",
    "<NEW_VALUE>",
    "ünïcødé \u202e RTL",
    "",
  ];
  const wrong = [];
  for (const value of values) {
    rmSync(path.join(scratch, "argv.out"), { force: true });
    rmSync(path.join(scratch, "shell.out"), { force: true });
    const placed = await settle(root, {
      event: "t_argv",
      params: { NEW_VALUE: value, NEW_OTHER: "other" },
    });
    if (!placed) {
      wrong.push(`${JSON.stringify(value)}: the event did not end`);
      continue;
    }
    const argv = readFileSync(path.join(scratch, "argv.out"), "utf8").split("\0").slice(0, -1);
    const expected = ["--fixed", value, `pre-${value}-post`, "other"];
    if (JSON.stringify(argv) !== JSON.stringify(expected)) {
      wrong.push(`${JSON.stringify(value)}: argv ${JSON.stringify(argv)}`);
    }
    const viaShell = readFileSync(path.join(scratch, "shell.out"), "utf8");
    if (viaShell !== value)
      wrong.push(`${JSON.stringify(value)}: through shell: true got ${JSON.stringify(viaShell)}`);
  }
  report.check(
    "every param value is exactly one argv item, substituted once, and exact through shell: true",
    wrong.length === 0,
    wrong.join("; "),
  );
  report.check("no value ran as a command (the canary file does not exist)", !existsSync(canary));
  report.figure("hostile param values", values.length);
}

async function pathCases(report, root, tmpBefore) {
  const payloads = [
    "../../../../tmp/evh-pwned",
    "../../spool/failed/evh-pwned.json",
    "/tmp/evh-pwned-abs",
  ];
  let placed = 0;
  for (const p of payloads) {
    const done = await settle(root, {
      event: "t_path",
      id: p,
      key: p,
      params: { NEW_DOMAIN_NAME: p, NEW_LOGIN_NAME: p },
    });
    if (done?.message === "event done") placed++;
  }
  const traversal = await settle(root, { event: "../../etc/passwd" }, "traversal.json");
  report.check(
    "an event name with ../ is refused",
    traversal && /is not a valid event id/.test(root.sidecar("traversal.json")?.reason ?? ""),
    JSON.stringify(root.sidecar("traversal.json")),
  );
  report.check(
    "ids, keys and params with ../ are data: the events run",
    placed === payloads.length,
    `${placed} of ${payloads.length}`,
  );
  const newInTmp = readdirSync(tmpdir()).filter((n) => !tmpBefore.has(n) && /pwned/.test(n));
  const inSpool = readdirSync(root.path("spool"), { recursive: true }).filter((n) =>
    /pwned/.test(String(n)),
  );
  report.check(
    "nothing was written where a ../ pointed",
    newInTmp.length === 0 && inSpool.length === 0,
    [...newInTmp, ...inSpool].join(", "),
  );
}

async function rootLockCases(report, root, scratch) {
  const lock = root.path("var", "root.event_handler.lock");
  const log = path.join(scratch, "lock.log");
  // Both root and nobody append to it.
  writeFileSync(log, "", { mode: 0o666 });
  chmodSync(log, 0o666);
  const wrong = [];
  const states = [
    ["absent", () => rmSync(lock, { recursive: true, force: true })],
    ["a file", () => writeFileSync(lock, "")],
    ["absent", () => rmSync(lock, { force: true })],
    // lstat, not stat: a lock that is a dangling symlink still locks.
    ["a dangling symlink", () => symlinkSync("/nonexistent/evh-lock", lock)],
    ["absent", () => rmSync(lock, { force: true })],
    ["a directory", () => mkdirSync(lock)],
    ["absent", () => rmSync(lock, { recursive: true, force: true })],
  ];
  for (const [what, apply] of states) {
    apply();
    const locked = what !== "absent";
    const placed = await settle(root, { event: "t_lock" });
    const eventId = placed?.file.slice(0, -".json".length);
    const ran = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.startsWith(`${eventId} `))
      .map((l) => l.split(" ")[1]);
    const refusedRun = root
      .logLines()
      .find((l) => l.event_id === eventId && l.handler === "as-root");
    const expectRan = locked
      ? isRoot
        ? ["as-nobody"]
        : []
      : isRoot
        ? ["as-root", "as-nobody"]
        : ["as-root"];
    if (placed?.message !== "event done")
      wrong.push(`lock ${what}: event ${placed?.message ?? "did not end"}`);
    if (JSON.stringify(ran) !== JSON.stringify(expectRan))
      wrong.push(`lock ${what}: ran ${JSON.stringify(ran)}`);
    if (locked && refusedRun?.outcome !== "refused")
      wrong.push(`lock ${what}: root handler outcome ${refusedRun?.outcome}`);
  }
  report.check(
    "the root lock refuses root handlers at once and lets them run again at once (file, dangling symlink, directory)",
    wrong.length === 0,
    wrong.join("; "),
  );
}

async function nobodyCases(report, root, scratch) {
  if (!isRoot) {
    report.note("not root: the `nobody` part was skipped");
    return;
  }
  const secretFile = path.join(scratch, "root-only.txt");
  writeFileSync(secretFile, "ROOT-ONLY-SECRET-4711\n", { mode: 0o600 });
  chmodSync(secretFile, 0o600);
  const placed = await settle(root, {
    event: "t_snoop",
    params: { NEW_PASSWORD: "snooped-password-0815" },
  });
  const run = root
    .logLines()
    .find((l) => l.event_id === placed?.file.slice(0, -".json".length) && l.handler === "snoop");
  const out = run?.stdout ?? "";
  report.check(
    "a handler running as nobody cannot read a 0600 root file, the event file or the journal, and can read its params file",
    /root-file: denied/.test(out) &&
      /event-file: denied/.test(out) &&
      /journal: denied/.test(out) &&
      /params-file: read/.test(out),
    JSON.stringify(out),
  );
  report.check(
    "the root-only secret appears nowhere in the log",
    !readFileSync(root.logFile, "utf8").includes("ROOT-ONLY-SECRET-4711"),
  );
}

async function secretCases(report, root, agent) {
  const secrets = {
    NEW_PASSWORD: "pw-Secret-0123456789",
    NEW_DB_SECRET: "db-Secret-9876543210",
    NEW_API_TOKEN: "tok-Secret-5555555555",
    NEW_API_KEY: "key-Secret-7777777777",
  };
  const placed = await settle(root, {
    event: "t_secret",
    params: { ...secrets, NEW_LOGIN_NAME: "visible-login" },
  });
  report.check(
    "the leaky handler's event failed into failed/",
    placed?.message.startsWith("event failed"),
    placed?.message,
  );
  // Bad events carrying secrets: their reasons must not quote them.
  const bad = [
    `{"event":"t_secret","params":{"NEW_PASSWORD":"${secrets.NEW_PASSWORD}" "X":1}}`,
    `{"event":"t_secret","params":{"NEW_PASSWORD":"${secrets.NEW_PASSWORD}\\q"}}`,
    `{"event":"t_secret","params":{"NEW_PASSWORD":["${secrets.NEW_PASSWORD}"]}}`,
    `event: t_secret\nparams:\n  NEW_PASSWORD: "${secrets.NEW_PASSWORD}\n`,
    `event: t_secret\nparams: {NEW_PASSWORD: ${secrets.NEW_PASSWORD}, NEW_PASSWORD: x}\n`,
  ];
  for (const [i, text] of bad.entries())
    await settle(root, text, `bad-secret-${i}.${text.startsWith("{") ? "json" : "yaml"}`);
  await until(
    () =>
      bad.every((_, i) =>
        root.sidecar(`bad-secret-${i}.${bad[i].startsWith("{") ? "json" : "yaml"}`),
      ),
    10_000,
  );

  const places = {
    "var/log/evh.log": readFileSync(root.logFile, "utf8"),
    "the console": agent.output(),
    "failed/ sidecars": root
      .list("failed")
      .filter((n) => n.endsWith(".error.json"))
      .map((n) => readFileSync(root.spool("failed", n), "utf8"))
      .join("\n"),
  };
  const probe = await runEvh(["test", "--help"]);
  if (probe.code === 0) {
    const args = Object.entries(secrets).map(([k, v]) => `${k}=${v}`);
    const text = await runEvh(["test", "--root", root.dir, "t_secret", ...args]);
    const json = await runEvh(["test", "--root", root.dir, "--json", "t_secret", ...args]);
    places["evh test"] = text.stdout + text.stderr;
    places["evh test --json"] = json.stdout + json.stderr;
    report.check(
      "evh test shows the secrets masked",
      places["evh test"].includes("***"),
      places["evh test"].slice(0, 300),
    );
  } else {
    report.note("`evh test` is not available: its part was skipped");
  }
  const leaks = [];
  for (const [where, text] of Object.entries(places)) {
    for (const [name, value] of Object.entries(secrets)) {
      // Any 8 characters of a secret in a row count as a leak, so a secret cut in half is one too.
      for (let i = 0; i + 8 <= value.length; i++) {
        if (text.includes(value.slice(i, i + 8))) {
          leaks.push(`${name} in ${where} (${JSON.stringify(value.slice(i, i + 8))})`);
          break;
        }
      }
    }
  }
  report.check(
    "no secret, whole or in part, in the log, the console, sidecars or evh test",
    leaks.length === 0,
    leaks.join("; "),
  );
  report.check(
    "non-secret values are still shown",
    places["var/log/evh.log"].includes("visible-login"),
  );
  report.figure("places searched for secrets", Object.keys(places).join(", "));
}
