import path from "node:path";
import iconv from "iconv-lite";
import { isScalar } from "yaml";
import {
  DURATION_EXPECTED,
  formatDuration,
  missingUnitHint,
  parseDuration,
} from "../config/duration.js";
import type { SystemUser } from "../system/system-users.js";
import { PRIORITY_LEVELS } from "./handler.js";
import type { ParseContext } from "./parse-context.js";
import { type DocumentReport, describe, type Entry, stringValue } from "./yaml-nodes.js";

/**
 * Validators of the handler keys that hold one scalar. Each reports its own
 * problem on the entry's line and returns undefined when the value is unusable.
 */

/** Node's timers hold at most 2^31-1 ms; a longer delay would fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.@#:+-]{0,127}$/;

export function parseId(entry: Entry, report: DocumentReport): string | undefined {
  const node = entry.value;
  // Plesk's handler ids are numbers; migrated files may keep them.
  const id =
    isScalar(node) && typeof node.value === "number" && Number.isInteger(node.value)
      ? String(node.value)
      : stringValue(node);
  if (id === undefined || !ID_PATTERN.test(id)) {
    report.error(
      entry.line,
      `id must be up to 128 letters, digits and . _ - @ # : +, starting with a letter, digit or _, got ${describe(node)}`,
    );
    return undefined;
  }
  return id;
}

const LEVELS = Object.keys(PRIORITY_LEVELS).join("|");

export function parsePriority(entry: Entry, report: DocumentReport): number | undefined {
  const node = entry.value;
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 100) {
      return value;
    }
    if (typeof value === "string" && Object.hasOwn(PRIORITY_LEVELS, value)) {
      return PRIORITY_LEVELS[value as keyof typeof PRIORITY_LEVELS];
    }
  }
  report.error(entry.line, `priority must be 0..100 or ${LEVELS}, got ${describe(node)}`);
  return undefined;
}

export function parseBoolean(entry: Entry, report: DocumentReport): boolean | undefined {
  const node = entry.value;
  if (isScalar(node) && typeof node.value === "boolean") return node.value;
  report.error(entry.line, `${entry.key} must be true or false, got ${describe(node)}`);
  return undefined;
}

/** A duration key, reported under `name` (e.g. `retry.backoff`). */
export function parseDurationEntry(
  entry: Entry,
  report: DocumentReport,
  name = entry.key,
): number | undefined {
  const node = entry.value;
  const raw = isScalar(node) ? node.value : undefined;
  const ms = typeof raw === "number" || typeof raw === "string" ? parseDuration(raw) : undefined;
  if (ms === undefined) {
    const hint = missingUnitHint(raw);
    report.error(
      entry.line,
      `${name} must be ${DURATION_EXPECTED}, got ${describe(node)}${hint === undefined ? "" : `: ${hint}`}`,
    );
    return undefined;
  }
  if (ms > MAX_DURATION_MS) {
    report.error(
      entry.line,
      `${name} must be at most ${formatDuration(MAX_DURATION_MS)}, got ${describe(node)}`,
    );
    return undefined;
  }
  return ms;
}

export function parseStdin(entry: Entry, report: DocumentReport): "none" | "json" | undefined {
  const value = stringValue(entry.value);
  if (value === "none" || value === "json") return value;
  report.error(entry.line, `stdin must be none or json, got ${describe(entry.value)}`);
  return undefined;
}

export function parseEncoding(entry: Entry, report: DocumentReport): string | undefined {
  const value = stringValue(entry.value);
  if (value !== undefined && value !== "" && iconv.encodingExists(value)) return value;
  report.error(
    entry.line,
    `encoding must be a character set such as utf-8, cp1251 or latin1, got ${describe(entry.value)}`,
  );
  return undefined;
}

export function parseCwd(
  entry: Entry,
  report: DocumentReport,
  baseDir: string | undefined,
): string | undefined {
  const value = stringValue(entry.value);
  if (value !== undefined && value !== "" && !value.includes("\0")) {
    if (path.isAbsolute(value)) return value;
    if (baseDir !== undefined) return path.resolve(baseDir, value);
  }
  report.error(entry.line, `cwd must be an absolute path, got ${describe(entry.value)}`);
  return undefined;
}

/** The `user` key: a name or uid of an existing account the agent may switch to. */
export function parseUser(
  entry: Entry,
  report: DocumentReport,
  ctx: ParseContext,
): { name: string; user: SystemUser } | undefined {
  const node = entry.value;
  const raw = isScalar(node) ? node.value : undefined;
  const name =
    typeof raw === "string" && raw !== ""
      ? raw
      : typeof raw === "number" && Number.isInteger(raw) && raw >= 0
        ? String(raw)
        : undefined;
  if (name === undefined) {
    report.error(entry.line, `user must be a user name or uid, got ${describe(node)}`);
    return undefined;
  }
  const user = ctx.lookupUser(name);
  if (user === undefined) {
    report.error(entry.line, `user ${describe(node)} does not exist on this system`);
    return undefined;
  }
  if (!ctx.agentIsRoot && user.uid !== ctx.agentUser.uid) {
    report.error(
      entry.line,
      `switching to user ${user.name} requires the agent to run as root (it runs as ${ctx.agentUser.name})`,
    );
    return undefined;
  }
  return { name, user };
}
