import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Command, Option } from "commander";
import type { EvhConfig } from "../../config/config.js";
import { formatDuration } from "../../config/duration.js";
import { UsageError } from "../../errors/evh-error.js";
import { getCatalogue } from "../../events/catalogue.js";
import type { EvhEvent } from "../../events/event.js";
import { asciiForms } from "../../events/idn.js";
import { isFailure, type RunRecord } from "../../execute/outcome.js";
import { runWithRetry } from "../../execute/run-with-retry.js";
import { Redactor } from "../../record/redact.js";
import { Spool } from "../../spool/spool.js";
import { type EventInput, eventFromArgs, eventFromFile, eventWarnings } from "../event-input.js";
import { type LoadedHandlers, loadHandlers } from "../loaded-handlers.js";
import { displayPath, say, sayJson, warn } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { type PlannedHandler, planTest } from "../test-plan.js";

interface TestOptions extends CommonOptions {
  file?: string;
  id?: string;
  key?: string;
  exec?: boolean;
  json?: boolean;
}

/** `evh test`: what the agent would run for an event, and with `--exec`, run it now. */
export function registerTest(program: Command, done: Done): void {
  withCommon(program.command("test"))
    .description(
      "dry run: the handlers that would run, in order, with argv, user, cwd and env; --exec runs them",
    )
    .argument("[event]", "the event id, e.g. client_create")
    .argument("[params...]", "params as NAME=VALUE")
    .addOption(new Option("--file <file>", "take the event from a .json, .yaml or .yml file"))
    .addOption(new Option("--id <id>", "the event's id (EVH_EVENT_ID)"))
    .addOption(new Option("--key <key>", "the ordering key"))
    .option("--exec", "run the handlers now, outside the spool; exit 1 if any fails")
    .option("--json", "machine-readable output")
    .action((event: string | undefined, params: string[], options: TestOptions) =>
      done(test(event, params, options)),
    );
}

async function test(
  eventId: string | undefined,
  params: readonly string[],
  options: TestOptions,
): Promise<number> {
  const config = configFor(options);
  const input = await readInput(config, eventId, params, options);
  const loaded = loadHandlers(config);
  const warnings = [...eventWarnings(input.event), ...brokenFiles(loaded)];
  for (const warning of warnings) warn(warning);
  const redactor = new Redactor(config.redact);
  const { event } = input;
  const extraVars = asciiForms(event.params, getCatalogue().find(event.event)).vars;
  const run = options.exec ? await ExecRun.open(input) : undefined;
  try {
    const eventFile = run?.eventFile ?? new Spool(config.spoolDir).path("cur", event.file);
    const plan = planTest(loaded, { event, eventFile, extraVars, redactor });
    const shownEvent = {
      event: event.event,
      id: event.id ?? null,
      event_id: event.eventId,
      occurred_at: event.occurredAt,
      key: event.key ?? null,
      params: redactor.maskVars(event.params),
    };
    if (!options.json) {
      say(`event ${event.event}, EVH_EVENT_ID ${event.eventId}`);
      for (const [name, value] of Object.entries(shownEvent.params))
        say(`  ${name}=${show(value)}`);
      say(
        plan.length === 0
          ? "no handler matches this event"
          : `${plan.length} handler(s) match, in run order:`,
      );
    }
    const results: (RunRecord | undefined)[] = [];
    let failed = false;
    for (const [index, planned] of plan.entries()) {
      if (!options.json) say(formatPlanned(index + 1, planned));
      const record = run && (await run.execute(planned, event, loaded, extraVars, redactor));
      results.push(record);
      if (record && isFailure(record.outcome)) failed = true;
      if (record && !options.json) say(formatRecord(record));
    }
    if (options.json) {
      sayJson({
        event: shownEvent,
        warnings,
        handlers: plan.map((p, i) => plannedJson(p, results[i])),
      });
    }
    return failed ? 1 : 0;
  } finally {
    await run?.close();
  }
}

/** Files that fail to load take no part: say so, or a missing handler would be a mystery. */
function brokenFiles(loaded: LoadedHandlers): string[] {
  return [...loaded.files.values()]
    .filter((state) => state.status !== "loaded")
    .map(
      (state) =>
        `${displayPath(state.file)} fails to load, so its handlers are left out (evh validate shows why)`,
    );
}

async function readInput(
  config: EvhConfig,
  eventId: string | undefined,
  params: readonly string[],
  options: TestOptions,
): Promise<EventInput> {
  if (options.file === undefined) {
    if (eventId === undefined) {
      throw new UsageError("missing EVENT (e.g. evh test client_create NEW_LOGIN_NAME=jdoe)");
    }
    return eventFromArgs(config, eventId, params, options);
  }
  if (eventId !== undefined || options.id !== undefined || options.key !== undefined) {
    throw new UsageError(
      "--file takes the event as it is: give no EVENT, params, --id or --key with it",
    );
  }
  return eventFromFile(config, options.file);
}

/**
 * `--exec`: the handlers run now, one after another, through the agent's
 * `runWithRetry`, outside the spool: `EVH_EVENT_FILE` is a private temp copy
 * of the event. SIGINT cancels the run in progress (and the rest).
 */
class ExecRun {
  private readonly abort = new AbortController();
  private readonly onSignal = () => this.abort.abort();

  private constructor(
    private readonly dir: string,
    readonly eventFile: string,
  ) {
    process.on("SIGINT", this.onSignal);
  }

  static async open(input: EventInput): Promise<ExecRun> {
    const dir = await mkdtemp(path.join(tmpdir(), "evh-test-"));
    const file = path.join(dir, input.event.file);
    await writeFile(file, input.bytes, { mode: 0o600 });
    return new ExecRun(dir, file);
  }

  async execute(
    planned: PlannedHandler,
    event: EvhEvent,
    loaded: LoadedHandlers,
    extraVars: Readonly<Record<string, string>>,
    redactor: Redactor,
  ): Promise<RunRecord | undefined> {
    if (planned.state === "disabled" || planned.state === "skipped") return undefined;
    let last: RunRecord | undefined;
    await runWithRetry(
      planned.handler,
      event,
      {
        eventFile: this.eventFile,
        agentUser: loaded.agentUser,
        rootLockFile: loaded.rootLockFile,
        extraVars,
        redactor,
        signal: this.abort.signal,
      },
      (record) => {
        last = record;
      },
    );
    return last;
  }

  async close(): Promise<void> {
    process.off("SIGINT", this.onSignal);
    await rm(this.dir, { recursive: true, force: true });
  }
}

function formatPlanned(n: number, p: PlannedHandler): string {
  const h = p.handler;
  const where = `${displayPath(h.file)}:${h.line}, priority ${h.priority}`;
  const verdict = p.state === "run" ? "runs" : p.state;
  const head = `\n${n}. ${h.id} (${where}): ${verdict}${p.reason === undefined ? "" : `: ${p.reason}`}`;
  if (p.state !== "run" && p.state !== "refused") return head;
  const inv = p.invocation;
  const lines = [
    head,
    `   user     ${p.user.name} (uid ${p.user.uid}, gid ${p.user.gid})`,
    `   cwd      ${p.cwd}`,
    `   argv     ${JSON.stringify([inv.file, ...inv.args])}`,
    `   timeout  ${h.timeoutMs === 0 ? "none" : formatDuration(h.timeoutMs)}${h.retry.attempts > 0 ? `, retry ${h.retry.attempts} time(s)` : ""}`,
  ];
  if (inv.stdinJson !== undefined) lines.push(`   stdin    ${inv.stdinJson}`);
  Object.entries(inv.env).forEach(([name, value], i) => {
    lines.push(`   ${i === 0 ? "env      " : "         "}${name}=${show(value)}`);
  });
  return lines.join("\n");
}

function formatRecord(r: RunRecord): string {
  const how =
    r.signal !== null ? `signal ${r.signal}` : r.exitCode !== null ? `exit ${r.exitCode}` : "";
  const detail = [how, `${r.durationMs} ms`, r.attempt > 1 ? `attempt ${r.attempt}` : ""]
    .filter(Boolean)
    .join(", ");
  const why = r.error && r.error !== how ? `: ${r.error}` : "";
  const lines = [`   result   ${r.outcome} (${detail})${why}`];
  for (const [label, text] of [
    ["stdout", r.stdout],
    ["stderr", r.stderr],
  ] as const) {
    if (text === "") continue;
    text
      .replace(/\n$/, "")
      .split("\n")
      .forEach((line, i) => {
        lines.push(`   ${i === 0 ? label.padEnd(9) : "         "}${line}`);
      });
  }
  return lines.join("\n");
}

function plannedJson(p: PlannedHandler, record: RunRecord | undefined) {
  const inv = p.invocation;
  return {
    id: p.handler.id,
    file: p.handler.file,
    line: p.handler.line,
    priority: p.handler.priority,
    state: p.state,
    reason: p.reason ?? null,
    user: { name: p.user.name, uid: p.user.uid, gid: p.user.gid },
    cwd: p.cwd,
    argv: [inv.file, ...inv.args],
    env: inv.env,
    stdin: inv.stdinJson ?? null,
    timeout_ms: p.handler.timeoutMs,
    result:
      record === undefined
        ? null
        : {
            outcome: record.outcome,
            exit_code: record.exitCode,
            signal: record.signal,
            attempts: record.attempt,
            duration_ms: record.durationMs,
            stdout: record.stdout,
            stderr: record.stderr,
            error: record.error ?? null,
          },
  };
}

/** A value as one line: as it is, or JSON-quoted when it holds control characters. */
function show(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is looked for
  return /[\u0000-\u001f\u007f]/.test(value) ? JSON.stringify(value) : value;
}
