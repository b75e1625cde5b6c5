import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EvhEvent } from "../../src/events/event.js";
import type { RunContext } from "../../src/execute/run-handler.js";
import type { Handler } from "../../src/handlers/handler.js";
import { Redactor } from "../../src/record/redact.js";
import { currentUser } from "../../src/system/system-users.js";

/** A fixture script's absolute path. */
export function script(name: string): string {
  return fileURLToPath(new URL(`../fixtures/scripts/${name}`, import.meta.url));
}

/** A valid handler running `argv`; every other field at its SPEC default. */
export function makeHandler(argv: readonly string[], overrides: Partial<Handler> = {}): Handler {
  return {
    id: "test-handler",
    file: "/etc/evh/handlers.d/test.yaml",
    line: 1,
    fileIndex: 0,
    docIndex: 0,
    events: ["client_create"],
    priority: 50,
    userName: undefined,
    user: undefined,
    argv,
    commandText: argv.join(" "),
    shell: false,
    timeoutMs: 0,
    enabled: true,
    when: [],
    env: {},
    retry: { attempts: 0, backoffMs: 0 },
    stdin: "none",
    encoding: "utf-8",
    cwd: undefined,
    ...overrides,
  };
}

export function makeEvent(
  params: Record<string, string> = {},
  overrides: Partial<EvhEvent> = {},
): EvhEvent {
  return {
    event: "client_create",
    id: "evt-1",
    eventId: "evt-1",
    occurredAt: "2026-11-28T10:00:00Z",
    key: undefined,
    params: Object.assign(Object.create(null), params),
    file: "1764324000000-42-ab12.json",
    ...overrides,
  };
}

/** A run context for the current user, with a root lock path that does not exist. */
export function makeContext(lockDir: string, overrides: Partial<RunContext> = {}): RunContext {
  return {
    attempt: 1,
    eventFile: "/var/spool/evh/cur/1764324000000-42-ab12.json",
    agentUser: currentUser(),
    rootLockFile: `${lockDir}/root.event_handler.lock`,
    extraVars: {},
    redactor: new Redactor(),
    signal: new AbortController().signal,
    killAfterMs: 300,
    ...overrides,
  };
}

export { readEnvDump, readNulList } from "../helpers/nul-list.js";

/** A pid written by a fixture script. */
export function readPid(file: string): number {
  return Number(readFileSync(file, "utf8").trim());
}
