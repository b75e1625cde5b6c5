import path from "node:path";
import { isMap, type YAMLMap } from "yaml";
import { didYouMean, hint } from "../events/did-you-mean.js";
import type { SystemUser } from "../system/system-users.js";
import type { Handler, WhenCondition } from "./handler.js";
import { type Command, parseCommand } from "./handler-command.js";
import {
  parseBoolean,
  parseCwd,
  parseDurationEntry,
  parseEncoding,
  parseId,
  parsePriority,
  parseStdin,
  parseUser,
} from "./handler-fields.js";
import { DEFAULT_BACKOFF_MS, parseEnv, parseRetry } from "./handler-maps.js";
import { type CommonFields, handlerObject } from "./handler-object.js";
import { parseEvents, parseWhen } from "./handler-patterns.js";
import type { ParseContext } from "./parse-context.js";
import { parseWebhook } from "./parse-webhook.js";
import type { WebhookSpec } from "./webhook.js";
import { type DocumentReport, describe, type Entry, type ValueNode } from "./yaml-nodes.js";

/** The keys of a handler document (SPEC §3), in the order the docs list them. */
export const HANDLER_KEYS = [
  "id",
  "event",
  "priority",
  "user",
  "command",
  "shell",
  "timeout",
  "enabled",
  "when",
  "env",
  "retry",
  "stdin",
  "encoding",
  "cwd",
  "webhook",
] as const;
type HandlerKey = (typeof HANDLER_KEYS)[number];

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_PRIORITY = 50;
const NO_RETRY = { attempts: 0, backoffMs: DEFAULT_BACKOFF_MS } as const;

/** Where a document sits, for its default id and its place in the run order. */
export interface DocumentPlace {
  readonly file: string;
  readonly fileIndex: number;
  readonly docIndex: number;
  /** `<file name>` or `<file name>#<n>`. */
  readonly defaultId: string;
  /** Line of the document's start, for a document without keys. */
  readonly line: number;
}

/**
 * Validates one handler document. Every problem is reported (not just the
 * first), and a document with any error yields no handler.
 */
export function parseHandlerDocument(
  contents: ValueNode | null,
  place: DocumentPlace,
  report: DocumentReport,
  ctx: ParseContext,
): Handler | undefined {
  if (!isMap(contents)) {
    report.error(
      report.lineOf(contents, place.line),
      `a handler must be a map of keys (${HANDLER_KEYS.slice(0, 5).join(", ")}, ...), got ${describe(contents)}`,
    );
    return undefined;
  }
  const { entries, typos } = keyedEntries(contents, place, report);
  const line = report.lineOf(report.resolve(contents.items[0]?.key), place.line);
  const get = (key: HandlerKey) => entries.get(key);

  const required = (key: HandlerKey): Entry | undefined => {
    const entry = get(key);
    // A misspelt `comand` was reported already, with the fix; "command is required" would only add noise.
    if (entry === undefined && !typos.has(key)) report.error(line, `${key} is required`);
    return entry;
  };
  const optional = <T>(key: HandlerKey, parse: (e: Entry) => T | undefined, fallback: T) => {
    const entry = get(key);
    return entry === undefined ? fallback : parse(entry);
  };

  // The keys every handler has, whether it runs a command or delivers a webhook.
  const eventEntry = required("event");
  const common = {
    id: optional("id", (e) => parseId(e, report), place.defaultId),
    events: eventEntry && parseEvents(eventEntry, report, ctx),
    priority: optional("priority", (e) => parsePriority(e, report), DEFAULT_PRIORITY),
    enabled: optional("enabled", (e) => parseBoolean(e, report), true),
    when: optional("when", (e) => parseWhen(e, report), [] as WhenCondition[]),
    retry: optional("retry", (e) => parseRetry(e, report), NO_RETRY),
  };
  // A webhook handler delivers over HTTP instead of running a command (docs/webhooks.md).
  const webhookEntry = get("webhook");
  if (webhookEntry !== undefined) {
    return parseWebhookHandler(webhookEntry, entries, common, line, place, report, ctx);
  }
  // null: not given (the agent's own user, its home); undefined: given but invalid.
  const user = optional("user", (e) => parseUser(e, report, ctx), null);
  const shell = optional("shell", (e) => parseBoolean(e, report), false);
  const cwd = optional("cwd", (e) => parseCwd(e, report, ctx.baseDir), null);
  const commandEntry = required("command");
  const parsed =
    commandEntry && shell !== undefined
      ? parseCommand(commandEntry, shell, report, ctx.redactFragments)
      : undefined;
  const command = parsed && !shell ? anchorProgram(parsed, ctx.baseDir) : parsed;
  const timeoutMs = optional("timeout", (e) => parseDurationEntry(e, report), DEFAULT_TIMEOUT_MS);
  const env = optional("env", (e) => parseEnv(e, report), {} as Record<string, string>);
  const stdin = optional("stdin", (e) => parseStdin(e, report), "none" as const);
  const encoding = optional("encoding", (e) => parseEncoding(e, report), "utf-8");

  if (command && commandEntry && !shell && user !== undefined && cwd !== undefined) {
    checkProgram(
      command,
      commandEntry.line,
      cwd ?? (user?.user ?? ctx.agentUser).home,
      report,
      ctx,
      user?.user,
    );
  }
  const base = commonFields(common, place, line);
  if (
    report.hasErrors ||
    base === undefined ||
    user === undefined ||
    shell === undefined ||
    cwd === undefined ||
    command === undefined ||
    timeoutMs === undefined ||
    env === undefined ||
    stdin === undefined ||
    encoding === undefined
  ) {
    return undefined;
  }
  return handlerObject(base, {
    userName: user?.name,
    user: user?.user,
    argv: command.argv,
    commandText: command.text,
    shell,
    timeoutMs,
    env,
    stdin,
    encoding,
    cwd: cwd ?? undefined,
  });
}

/** The keys of every handler as parsed (undefined: given but invalid). */
interface CommonKeys {
  readonly id: string | undefined;
  readonly events: Handler["events"] | undefined;
  readonly priority: number | undefined;
  readonly enabled: boolean | undefined;
  readonly when: WhenCondition[] | undefined;
  readonly retry: Handler["retry"] | undefined;
}

/** The fields every handler has, or undefined when one of its keys was invalid. */
function commonFields(
  common: CommonKeys,
  place: DocumentPlace,
  line: number,
): CommonFields | undefined {
  const { id, events, priority, enabled, when, retry } = common;
  if (
    id === undefined ||
    events === undefined ||
    priority === undefined ||
    enabled === undefined ||
    when === undefined ||
    retry === undefined
  ) {
    return undefined;
  }
  const { file, fileIndex, docIndex } = place;
  return { id, file, line, fileIndex, docIndex, events, priority, enabled, when, retry };
}

/** Keys of a command handler that mean nothing without a process. */
const COMMAND_ONLY_KEYS = [
  "command",
  "user",
  "shell",
  "timeout",
  "env",
  "stdin",
  "encoding",
  "cwd",
] as const;

/**
 * A handler with `webhook:`: the shared keys as for a command handler, the
 * process keys refused on their own line, saying what to do instead.
 */
function parseWebhookHandler(
  webhookEntry: Entry,
  entries: Map<HandlerKey, Entry>,
  common: CommonKeys,
  line: number,
  place: DocumentPlace,
  report: DocumentReport,
  ctx: ParseContext,
): Handler | undefined {
  for (const key of COMMAND_ONLY_KEYS) {
    const entry = entries.get(key);
    if (entry === undefined) continue;
    const why =
      key === "command"
        ? "a handler has either command or webhook, not both"
        : key === "timeout"
          ? "a webhook's timeout goes inside the map (webhook.timeout)"
          : `${key} does not apply to a webhook handler (no process runs)`;
    report.error(entry.line, why);
  }
  const webhook: WebhookSpec | undefined = parseWebhook(webhookEntry, report, ctx);
  const base = commonFields(common, place, line);
  if (report.hasErrors || base === undefined || webhook === undefined) return undefined;
  return handlerObject(base, {
    userName: undefined,
    user: undefined,
    argv: [],
    commandText: `webhook ${webhook.method} ${webhook.url}`,
    shell: false,
    timeoutMs: webhook.timeoutMs,
    env: {},
    stdin: "none",
    encoding: "utf-8",
    cwd: undefined,
    webhook,
  });
}

/** The document's keys by name; unknown keys are reported with the allowed ones. */
function keyedEntries(
  map: YAMLMap,
  place: DocumentPlace,
  report: DocumentReport,
): { entries: Map<HandlerKey, Entry>; typos: Set<string> } {
  const known = new Map<HandlerKey, Entry>();
  const typos = new Set<string>();
  for (const entry of report.entries(map, place.line)) {
    if ((HANDLER_KEYS as readonly string[]).includes(entry.key)) {
      known.set(entry.key as HandlerKey, entry);
    } else {
      const suggestion = didYouMean(entry.key, HANDLER_KEYS);
      if (suggestion !== undefined) typos.add(suggestion);
      report.error(
        entry.line,
        `unknown key ${JSON.stringify(entry.key)}${hint(suggestion)}; allowed keys: ${HANDLER_KEYS.join(", ")}`,
      );
    }
  }
  return { entries: known, typos };
}

/** `examples/x.sh` → `<root>/examples/x.sh`; bare names stay for the PATH search. */
function anchorProgram(command: Command, baseDir: string | undefined): Command {
  const program = command.argv[0] as string;
  if (baseDir === undefined || !program.includes("/") || path.isAbsolute(program)) return command;
  return { ...command, argv: [path.resolve(baseDir, program), ...command.argv.slice(1)] };
}

function checkProgram(
  command: Command,
  line: number,
  cwd: string,
  report: DocumentReport,
  ctx: ParseContext,
  runAs: SystemUser | undefined,
): void {
  const program = command.argv[0] as string;
  const problem = ctx.programCheck(program, cwd);
  if (problem !== undefined) {
    report.error(line, `command: ${problem}`);
    return;
  }
  if (runAs !== undefined && runAs.uid !== ctx.agentUser.uid) {
    const unreachable = ctx.programReach?.(program, cwd, runAs);
    if (unreachable !== undefined) report.warning(line, `command: ${unreachable}`);
  }
}
