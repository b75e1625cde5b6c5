import { rootLockRefusal } from "../execute/root-lock.js";
import type { Handler } from "../handlers/handler.js";
import type { SystemUser } from "../system/system-users.js";
import type { LoadedHandlers } from "./loaded-handlers.js";
import { displayPath, formatTable } from "./output.js";

/** A handler's state as `evh list` shows it (SPEC §6). */
export type HandlerState = "active" | "disabled" | "refused by root lock" | "invalid";

/** One line of `evh list`: a handler, or a file that failed to load (its fields then null). */
export interface HandlerRow {
  readonly id: string | null;
  readonly events: readonly string[] | null;
  readonly priority: number | null;
  /** The `user` as written; null runs as the agent's own user. */
  readonly user: string | null;
  readonly command: string | null;
  /** Absolute path. */
  readonly file: string;
  readonly line: number;
  readonly state: HandlerState;
  /** Why it is refused or invalid; null when active or disabled. */
  readonly reason: string | null;
  /** For an invalid file: every error of it. */
  readonly errors: readonly { readonly line: number; readonly message: string }[];
}

/** The uid a handler runs as: its `user`, else the agent's own (SPEC §4). */
export function handlerUid(handler: Handler, agentUser: SystemUser): number {
  return (handler.user ?? agentUser).uid;
}

/**
 * Every handler in load order, with files that failed to load in their
 * place. The root-lock verdict is the runner's own check (`rootLockRefusal`),
 * made now: the agent makes it again before every run.
 */
export function handlerRows(loaded: LoadedHandlers): HandlerRow[] {
  const rows: HandlerRow[] = [];
  for (const state of loaded.files.values()) {
    if (state.status === "failed") {
      const errors = state.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => ({ line: d.line, message: d.message }));
      rows.push({
        id: null,
        events: null,
        priority: null,
        user: null,
        command: null,
        file: state.file,
        line: errors[0]?.line ?? 1,
        state: "invalid",
        reason: errors[0]?.message ?? "the file failed to load",
        errors,
      });
      continue;
    }
    for (const handler of state.handlers) rows.push(handlerRow(handler, loaded));
  }
  return rows;
}

function handlerRow(handler: Handler, loaded: LoadedHandlers): HandlerRow {
  const refusal = handler.enabled
    ? handler.webhook === undefined
      ? rootLockRefusal(loaded.rootLockFile, handlerUid(handler, loaded.agentUser))
      : undefined
    : undefined;
  return {
    id: handler.id,
    events: handler.events,
    priority: handler.priority,
    user: handler.userName ?? null,
    command: handler.commandText,
    file: handler.file,
    line: handler.line,
    state: !handler.enabled
      ? "disabled"
      : refusal !== undefined
        ? "refused by root lock"
        : "active",
    reason: refusal ?? null,
    errors: [],
  };
}

/** The human table of `evh list`, then the errors of each invalid file, one a line. */
export function formatHandlerRows(rows: readonly HandlerRow[]): string {
  const table = formatTable(
    ["ID", "EVENT", "PRIORITY", "USER", "COMMAND", "FILE", "STATE"],
    rows.map((r) => [
      r.id ?? "-",
      r.events?.join(",") ?? "-",
      r.priority === null ? "-" : String(r.priority),
      r.user ?? (r.state === "invalid" ? "-" : "(agent)"),
      r.command ?? "-",
      displayPath(r.file),
      r.state,
    ]),
  );
  const errors = rows.flatMap((r) =>
    r.errors.map((e) => `${displayPath(r.file)}:${e.line}: error: ${e.message}`),
  );
  return errors.length > 0 ? `${table}\n\n${errors.join("\n")}` : table;
}
