import { isMap, isScalar } from "yaml";
import { didYouMean, hint } from "../events/did-you-mean.js";
import { parseDurationEntry } from "./handler-fields.js";
import { type DocumentReport, describe, type Entry, isNull, scalarText } from "./yaml-nodes.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Beyond this, a retry loop is a misconfiguration rather than a policy. */
export const MAX_RETRY_ATTEMPTS = 100;
export const DEFAULT_BACKOFF_MS = 1000;

/** `env`: NAME → string, number or boolean; `EVH_*` names are the agent's (SPEC §4). */
export function parseEnv(entry: Entry, report: DocumentReport): Record<string, string> | undefined {
  const node = entry.value;
  if (isNull(node)) return {};
  if (!isMap(node)) {
    report.error(entry.line, `env must be a map of NAME: value, got ${describe(node)}`);
    return undefined;
  }
  const env: Record<string, string> = Object.create(null);
  let ok = true;
  for (const variable of report.entries(node, entry.line)) {
    const problem = envProblem(variable);
    if (problem !== undefined) {
      report.error(variable.line, problem);
      ok = false;
    } else {
      env[variable.key] = scalarText(variable.value) as string;
    }
  }
  return ok ? env : undefined;
}

function envProblem(variable: Entry): string | undefined {
  const { key, value } = variable;
  if (!ENV_NAME.test(key)) {
    return `env: names are letters, digits and _ not starting with a digit, got ${JSON.stringify(key)}`;
  }
  if (key.startsWith("EVH_")) {
    return `env: names starting with EVH_ are reserved for the agent's own variables, got ${JSON.stringify(key)}`;
  }
  const text = scalarText(value);
  if (text === undefined) {
    return `env ${key} must be a string, number or boolean, got ${describe(value)}`;
  }
  if (text.includes("\0")) return `env ${key} must not contain NUL characters`;
  return undefined;
}

const RETRY_KEYS = ["attempts", "backoff"] as const;

/** `retry`: `{ attempts, backoff }`; extra attempts after a failure, backoff doubling each time. */
export function parseRetry(
  entry: Entry,
  report: DocumentReport,
): { attempts: number; backoffMs: number } | undefined {
  const node = entry.value;
  if (!isMap(node)) {
    report.error(
      entry.line,
      `retry must be a map like { attempts: 3, backoff: 2s }, got ${describe(node)}`,
    );
    return undefined;
  }
  let attempts = 0;
  let backoffMs = DEFAULT_BACKOFF_MS;
  let ok = true;
  for (const field of report.entries(node, entry.line)) {
    if (field.key === "attempts") {
      const value = isScalar(field.value) ? field.value.value : undefined;
      if (
        typeof value === "number" &&
        Number.isInteger(value) &&
        value >= 0 &&
        value <= MAX_RETRY_ATTEMPTS
      ) {
        attempts = value;
      } else {
        report.error(
          field.line,
          `retry.attempts must be an integer 0..${MAX_RETRY_ATTEMPTS}, got ${describe(field.value)}`,
        );
        ok = false;
      }
    } else if (field.key === "backoff") {
      const ms = parseDurationEntry(field, report, "retry.backoff");
      if (ms === undefined) ok = false;
      else backoffMs = ms;
    } else {
      report.error(
        field.line,
        `retry: unknown key ${JSON.stringify(field.key)}${hint(didYouMean(field.key, RETRY_KEYS))}; allowed keys: ${RETRY_KEYS.join(", ")}`,
      );
      ok = false;
    }
  }
  return ok ? { attempts, backoffMs } : undefined;
}
