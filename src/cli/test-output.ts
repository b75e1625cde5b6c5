import { formatDuration } from "../config/duration.js";
import type { RunRecord } from "../execute/outcome.js";
import { count } from "../record/count-text.js";
import { displayPath } from "./output.js";
import type { PlannedHandler } from "./test-plan.js";

/** How `evh test` shows a plan and its runs, for people and as `--json`. */

export function formatPlanned(n: number, p: PlannedHandler): string {
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
    `   timeout  ${h.timeoutMs === 0 ? "none" : formatDuration(h.timeoutMs)}${h.retry.attempts > 0 ? `, retry ${count(h.retry.attempts, "time")}` : ""}`,
  ];
  if (inv.stdinJson !== undefined) lines.push(`   stdin    ${inv.stdinJson}`);
  Object.entries(inv.env).forEach(([name, value], i) => {
    lines.push(`   ${i === 0 ? "env      " : "         "}${name}=${show(value)}`);
  });
  return lines.join("\n");
}

export function formatRecord(r: RunRecord): string {
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
export function show(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is looked for
  return /[\u0000-\u001f\u007f]/.test(value) ? JSON.stringify(value) : value;
}
