import { formatDuration } from "../config/duration.js";
import type { ShownRequest } from "../execute/webhook/shown-request.js";
import { count } from "../record/count-text.js";
import type { RunRecord } from "../record/outcome.js";
import { displayPath } from "./output.js";
import type { PlannedHandler } from "./test-plan.js";

/** How `evh test` shows a plan and its runs, for people and as `--json`. */

export function formatPlanned(n: number, p: PlannedHandler): string {
  const h = p.handler;
  const where = `${displayPath(h.file)}:${h.line}, priority ${h.priority}`;
  const verdict = p.state === "run" ? "runs" : p.state;
  // The reason can quote a param's value (a `when` that did not hold): escaped like one.
  const head = `\n${n}. ${h.id} (${where}): ${verdict}${p.reason === undefined ? "" : `: ${show(p.reason)}`}`;
  if (p.state !== "run" && p.state !== "refused") return head;
  if (p.request !== undefined) return formatRequest(head, p, p.request);
  const inv = p.invocation;
  const lines = [
    head,
    `   user     ${p.user.name} (uid ${p.user.uid}, gid ${p.user.gid})`,
    `   cwd      ${p.cwd}`,
    `   argv     ${jsonText([inv.file, ...inv.args])}`,
    `   timeout  ${h.timeoutMs === 0 ? "none" : formatDuration(h.timeoutMs)}${h.retry.attempts > 0 ? `, retry ${count(h.retry.attempts, "time")}` : ""}`,
  ];
  if (inv.stdinJson !== undefined) lines.push(`   stdin    ${show(inv.stdinJson)}`);
  Object.entries(inv.env).forEach(([name, value], i) => {
    lines.push(`   ${i === 0 ? "env      " : "         "}${name}=${show(value)}`);
  });
  return lines.join("\n");
}

/** A webhook handler: the request it would send, as sent (docs/webhooks.md), secrets masked. */
function formatRequest(head: string, p: PlannedHandler, request: ShownRequest): string {
  const h = p.handler;
  const lines = [
    head,
    `   webhook  ${request.method} ${show(request.url)}`,
    `   timeout  ${h.timeoutMs === 0 ? "none" : formatDuration(h.timeoutMs)}${h.retry.attempts > 0 ? `, retry ${count(h.retry.attempts, "time")}` : ""}`,
  ];
  Object.entries(request.headers).forEach(([name, value], i) => {
    lines.push(`   ${i === 0 ? "headers  " : "         "}${name}: ${show(value)}`);
  });
  lines.push(`   body     ${jsonText(JSON.parse(request.body))}`);
  return lines.join("\n");
}

export function formatRecord(r: RunRecord): string {
  const how =
    r.statusCode !== undefined
      ? `HTTP ${r.statusCode}`
      : r.signal !== null
        ? `signal ${r.signal}`
        : r.exitCode !== null
          ? `exit ${r.exitCode}`
          : "";
  const detail = [how, `${r.durationMs} ms`, r.attempt > 1 ? `attempt ${r.attempt}` : ""]
    .filter(Boolean)
    .join(", ");
  const why = r.error && r.error !== how ? `: ${show(r.error)}` : "";
  const lines = [`   result   ${r.outcome} (${detail})${why}`];
  for (const [label, text] of [
    ["stdout", r.stdout],
    ["stderr", r.stderr],
    ["response", r.response ?? ""],
  ] as const) {
    if (text === "") continue;
    // Line by line, each escaped like an env value: a handler must not be
    // able to fake a result line, erase the one above or retitle the window.
    text
      .replace(/\n$/, "")
      .split("\n")
      .forEach((line, i) => {
        lines.push(`   ${i === 0 ? label.padEnd(9) : "         "}${show(line)}`);
      });
  }
  return lines.join("\n");
}

export function plannedJson(p: PlannedHandler, record: RunRecord | undefined) {
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
    ...(p.request === undefined ? {} : { webhook: p.request }),
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
            ...(record.statusCode === undefined ? {} : { status_code: record.statusCode }),
            ...(record.response === undefined ? {} : { response: record.response }),
          },
  };
}

/**
 * C0 and C1 control characters and DEL: what a terminal acts on (ESC starts
 * a sequence that can move the cursor, erase lines or set the window title;
 * CR rewrites a line; U+009B is a one-character CSI on some terminals).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is looked for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const C1 = /[\u007f-\u009f]/g;

/** JSON text with C1 controls escaped too (JSON.stringify leaves them raw). */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(
    C1,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A value as one line: as it is, or JSON-quoted when it holds control
 * characters, so nothing shown can act on the administrator's terminal.
 */
export function show(value: string): string {
  return CONTROL.test(value) ? jsonText(value) : value;
}
