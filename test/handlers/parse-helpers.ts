import type { Handler } from "../../src/handlers/handler.js";
import type { ParseContext } from "../../src/handlers/parse-context.js";
import { parseHandlerFile } from "../../src/handlers/parse-handler-file.js";
import type { SystemUser } from "../../src/system/system-users.js";

export const ROOT: SystemUser = { name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash" };
export const ALICE: SystemUser = {
  name: "alice",
  uid: 1000,
  gid: 1000,
  home: "/home/alice",
  shell: "/bin/sh",
};
export const NOBODY: SystemUser = {
  name: "nobody",
  uid: 65534,
  gid: 65534,
  home: "/nonexistent",
  shell: "/usr/sbin/nologin",
};

const USERS = [ROOT, ALICE, NOBODY];
const CATALOGUE = [
  "client_create",
  "client_delete",
  "domain_create",
  "domain_update",
  "service_restart",
];

/**
 * A system described by tables: users root/alice/nobody, a small catalogue,
 * and programs that exist when their name does not contain "missing".
 */
export function fakeContext(overrides: Partial<ParseContext> = {}): ParseContext {
  return {
    lookupUser: (key) => USERS.find((u) => u.name === key || String(u.uid) === key),
    agentUser: ROOT,
    agentIsRoot: true,
    programCheck: (program) =>
      program.includes("missing") ? `program ${program} does not exist` : undefined,
    knownEvent: (id) => {
      if (CATALOGUE.includes(id)) return { known: true };
      const suggestion = CATALOGUE.find((c) => c.slice(0, 6) === id.slice(0, 6));
      return suggestion === undefined ? { known: false } : { known: false, suggestion };
    },
    ...overrides,
  };
}

/** Runs as alice, not root. */
export const aliceContext = (): ParseContext =>
  fakeContext({ agentUser: ALICE, agentIsRoot: false });

/** Parses `text` as handlers.d/crm.yaml; diagnostics as `evh validate` prints them. */
export function parse(
  text: string,
  ctx: ParseContext = fakeContext(),
  file = "handlers.d/crm.yaml",
) {
  const result = parseHandlerFile(text, file, 0, ctx);
  return {
    handlers: result.handlers,
    out: result.diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message}`),
  };
}

/** The one handler of a valid document (fails the test with the diagnostics otherwise). */
export function parseOne(text: string, ctx: ParseContext = fakeContext()) {
  const { handlers, out } = parse(text, ctx);
  if (handlers.length !== 1 || out.some((line) => line.includes(": error: "))) {
    throw new Error(`expected one valid handler, got:\n${out.join("\n")}`);
  }
  return handlers[0] as Handler;
}

/** Only the diagnostics of a document made of `event: x`, `command: /bin/true` and `extra`. */
export function problems(extra: string, ctx?: ParseContext): string[] {
  return parse(`event: client_create\ncommand: /bin/true\n${extra}`, ctx).out;
}
