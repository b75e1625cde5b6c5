import { readFileSync } from "node:fs";
import { isMap, isScalar, LineCounter, type Node, parseDocument, type YAMLMap } from "yaml";
import { ConfigError } from "../errors/evh-error.js";
import { closestMatch } from "../events/did-you-mean.js";
import { lookupGroup, type SystemGroup } from "../system/system-groups.js";
import { LOG_LEVELS, type LogLevel } from "./config.js";
import { DURATION_EXPECTED, missingUnitHint, parseDuration } from "./duration.js";

/** evh.yaml as read: every setting optional, durations already in ms. */
export interface ConfigInput {
  handlers_dir?: string;
  spool_dir?: string;
  var_dir?: string;
  concurrency?: number;
  keep_done?: boolean;
  dedupe_window?: number;
  settle_delay?: number;
  max_event_size?: number;
  rescan_interval?: number;
  grace?: number;
  redact?: readonly string[];
  "log.level"?: LogLevel;
  "log.file"?: string;
  producer_group?: SystemGroup;
}

export type ConfigKey = keyof ConfigInput;

/** evh.yaml read and checked: the values, and the line each came from (for `evh config`). */
export interface ConfigFile {
  readonly input: Readonly<ConfigInput>;
  readonly lines: Readonly<Partial<Record<ConfigKey, number>>>;
}

/** A setting's check: its value, or what was expected (and, maybe, the fix). */
type Check = (
  value: unknown,
) => { value: unknown } | { expected: string; fix?: string | undefined } | { problem: string };

const path_: Check = (v) =>
  typeof v === "string" && v !== "" ? { value: v } : { expected: "a path" };

const duration: Check = (v) => {
  const ms = parseDuration(v);
  return ms !== undefined
    ? { value: ms }
    : { expected: DURATION_EXPECTED, fix: missingUnitHint(v) };
};

const wholeNumber =
  (min: number, max: number, expected: string): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? { value: v }
      : { expected };

const CHECKS: Readonly<Record<ConfigKey, Check>> = {
  handlers_dir: path_,
  spool_dir: path_,
  var_dir: path_,
  concurrency: wholeNumber(1, 256, "a whole number from 1 to 256"),
  keep_done: (v) => (typeof v === "boolean" ? { value: v } : { expected: "true or false" }),
  dedupe_window: duration,
  settle_delay: duration,
  max_event_size: wholeNumber(64, Number.MAX_SAFE_INTEGER, "a number of bytes (at least 64)"),
  rescan_interval: (v) => {
    const checked = duration(v);
    return "value" in checked && (checked.value as number) < 100
      ? { expected: "at least 100ms" }
      : checked;
  },
  grace: duration,
  redact: (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string" && /^[A-Z0-9_]+$/.test(x))
      ? { value: v }
      : { expected: "a list of upper-case name fragments such as [API_KEY]" },
  "log.level": (v) =>
    (LOG_LEVELS as readonly unknown[]).includes(v)
      ? { value: v }
      : { expected: `one of ${LOG_LEVELS.join("|")}` },
  "log.file": path_,
  producer_group: (v) => {
    if (typeof v !== "string" || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(v)) {
      return { expected: "the name of a group, such as evh-producers" };
    }
    const group = lookupGroup(v);
    return group !== undefined
      ? { value: group }
      : {
          problem: `producer_group: there is no group "${v}" on this system; create it (groupadd ${v}) or fix the name`,
        };
  },
};

/** The settings evh.yaml may hold, as written there (`log` is a map of `level` and `file`). */
export const CONFIG_KEYS = Object.keys(CHECKS) as ConfigKey[];
const TOP_KEYS = [...new Set(CONFIG_KEYS.map((k) => k.split(".")[0] as string))];

/**
 * Reads and checks evh.yaml. Every problem is reported, not only the first,
 * each as `file:line: message` with the fix where there is one (an unknown
 * key gets the nearest known one); they come together in one ConfigError,
 * one problem a line.
 */
export function readConfigFile(file: string): ConfigFile {
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(file, "utf8"), {
    lineCounter: counter,
    prettyErrors: false,
  });
  const problems: string[] = [];
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? counter.linePos(node.range[0]).line : 1;
  for (const error of doc.errors) {
    problems.push(
      `${file}:${counter.linePos(error.pos[0]).line}: invalid YAML: ${error.message.split("\n")[0]}`,
    );
  }
  const input: Record<string, unknown> = {};
  const lines: Partial<Record<ConfigKey, number>> = {};
  if (problems.length === 0 && doc.contents !== null) {
    if (!isMap(doc.contents)) {
      problems.push(`${file}:1: evh.yaml must be a map of settings`);
    } else {
      const take = (map: YAMLMap, prefix: string, allowed: readonly string[]) => {
        for (const pair of map.items) {
          const keyNode = pair.key as Node;
          const name = String(isScalar(keyNode) ? keyNode.value : keyNode);
          const key = `${prefix}${name}`;
          const line = lineOf(keyNode);
          if (!allowed.includes(name)) {
            const near = closestMatch(name, allowed);
            problems.push(
              `${file}:${line}: unknown setting "${key}"${near === undefined ? "" : ` (did you mean "${prefix}${near}"?)`}; allowed: ${allowed.map((a) => `${prefix}${a}`).join(", ")}`,
            );
            continue;
          }
          const valueNode = pair.value as Node | null;
          if (key === "log") {
            if (isMap(valueNode)) take(valueNode, "log.", ["level", "file"]);
            else
              problems.push(
                `${file}:${line}: log must be a map with level and file, got ${JSON.stringify(valueNode?.toJSON() ?? null)}`,
              );
            continue;
          }
          const value = valueNode === null ? null : valueNode.toJSON();
          const checked = CHECKS[key as ConfigKey](value);
          if ("problem" in checked) {
            problems.push(
              `${file}:${valueNode?.range ? lineOf(valueNode) : line}: ${checked.problem}`,
            );
            continue;
          }
          if ("expected" in checked) {
            problems.push(
              `${file}:${valueNode?.range ? lineOf(valueNode) : line}: ${key} must be ${checked.expected}, got ${JSON.stringify(value)}${checked.fix === undefined ? "" : `: ${checked.fix}`}`,
            );
            continue;
          }
          input[key] = checked.value;
          lines[key as ConfigKey] = line;
        }
      };
      take(doc.contents, "", TOP_KEYS);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join("\n"));
  return { input: input as ConfigInput, lines };
}
