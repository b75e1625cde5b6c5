import { OutputTail } from "../execute/output-tail.js";
import type { StartRequest, StartResult } from "../execute/start-request.js";
import type { ProcessEnd } from "../execute/supervise-process.js";

/*
 * What the agent and a launcher say to each other: one JSON document per
 * line, over the launcher's stdin (agent → launcher) and stdout (launcher →
 * agent). Bytes (stdin, output tails) travel as base64. Lines, not a
 * binary framing: a line that does not parse is found at once, and the
 * agent restarts a launcher that sends one instead of losing its place in a
 * stream.
 */

/** Agent → launcher. */
export type ToLauncher =
  | { readonly t: "run"; readonly id: number; readonly req: WireRequest }
  | { readonly t: "cancel"; readonly id: number }
  | { readonly t: "ping"; readonly n: number };

/** Launcher → agent. */
export type FromLauncher =
  | {
      readonly t: "started";
      readonly id: number;
      readonly pid: number;
      readonly leaderStart: string | null;
    }
  | { readonly t: "end"; readonly id: number; readonly result: WireResult }
  | { readonly t: "pong"; readonly n: number }
  /** Once, when it has loaded and listens: it starts runs at once from then on. */
  | { readonly t: "ready" };

/** A StartRequest with its stdin as base64. */
export interface WireRequest extends Omit<StartRequest, "stdin"> {
  readonly stdin: string | null;
}

interface WireTail {
  readonly b64: string;
  readonly total: number;
}

type WireEnd = Omit<ProcessEnd, "stdout" | "stderr"> & {
  readonly stdout: WireTail;
  readonly stderr: WireTail;
};

type WireResult =
  | { readonly kind: "ended"; readonly end: WireEnd }
  | { readonly kind: "refused"; readonly reason: string };

/** The longest line either side accepts: two 64 KiB tails in base64, and room for the rest. */
export const MAX_LINE = 1024 * 1024;

export function line(message: ToLauncher | FromLauncher): string {
  return `${JSON.stringify(message)}\n`;
}

export function toWireRequest(req: StartRequest): WireRequest {
  return {
    ...req,
    stdin: req.stdin === undefined ? null : Buffer.from(req.stdin).toString("base64"),
  };
}

export function fromWireRequest(wire: WireRequest): StartRequest {
  return { ...wire, stdin: wire.stdin === null ? undefined : Buffer.from(wire.stdin, "base64") };
}

/** A result for the wire; a `lost` result is never sent (it is what the agent concludes). */
export function toWireResult(result: Exclude<StartResult, { kind: "lost" }>): WireResult {
  if (result.kind === "refused") return result;
  const { end } = result;
  const tail = (t: OutputTail): WireTail => ({ b64: t.bytes().toString("base64"), total: t.total });
  return { kind: "ended", end: { ...end, stdout: tail(end.stdout), stderr: tail(end.stderr) } };
}

function fromWireResult(wire: WireResult): StartResult {
  if (wire.kind === "refused") return wire;
  const tail = (t: WireTail) => OutputTail.from(Buffer.from(t.b64, "base64"), t.total);
  const { end } = wire;
  return {
    kind: "ended",
    // Field by field: JSON leaves out what is undefined, and the end has the shape of one made here.
    end: {
      spawnError: end.spawnError,
      exitCode: end.exitCode,
      signal: end.signal,
      stoppedFor: end.stoppedFor,
      durationMs: end.durationMs,
      stdout: tail(end.stdout),
      stderr: tail(end.stderr),
    },
  };
}

/** A launcher's message as the agent uses it. */
export type LauncherMessage =
  | {
      readonly t: "started";
      readonly id: number;
      readonly pid: number;
      readonly leaderStart: string | undefined;
    }
  | { readonly t: "end"; readonly id: number; readonly result: StartResult }
  | { readonly t: "pong"; readonly n: number }
  /** Once, when it has loaded and listens: it starts runs at once from then on. */
  | { readonly t: "ready" };

/**
 * Reads one line from a launcher. Anything but a well-formed message is a
 * string saying what is wrong: the launcher is then not to be trusted with
 * the runs it holds, and the agent restarts it.
 */
export function parseLauncherLine(text: string): LauncherMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `not JSON: ${preview(text)}`;
  }
  if (!isRecord(value)) return `not a message: ${preview(text)}`;
  switch (value.t) {
    case "pong":
      return isCount(value.n) ? { t: "pong", n: value.n } : `bad pong: ${preview(text)}`;
    case "ready":
      return { t: "ready" };
    case "started":
      if (!isCount(value.id) || !isCount(value.pid) || value.pid === 0) {
        return `bad "started": ${preview(text)}`;
      }
      if (value.leaderStart !== null && typeof value.leaderStart !== "string") {
        return `bad "started": ${preview(text)}`;
      }
      return {
        t: "started",
        id: value.id,
        pid: value.pid,
        leaderStart: value.leaderStart ?? undefined,
      };
    case "end": {
      if (!isCount(value.id)) return `bad "end": ${preview(text)}`;
      const result = isWireResult(value.result) ? fromWireResult(value.result) : undefined;
      return result ? { t: "end", id: value.id, result } : `bad "end": ${preview(text)}`;
    }
    default:
      return `unknown message: ${preview(text)}`;
  }
}

function isWireResult(value: unknown): value is WireResult {
  if (!isRecord(value)) return false;
  if (value.kind === "refused") return typeof value.reason === "string";
  if (value.kind !== "ended" || !isRecord(value.end)) return false;
  const end = value.end;
  return (
    (end.spawnError === undefined || typeof end.spawnError === "string") &&
    (end.exitCode === null || Number.isInteger(end.exitCode)) &&
    (end.signal === null || typeof end.signal === "string") &&
    (end.stoppedFor === undefined ||
      end.stoppedFor === "timeout" ||
      end.stoppedFor === "canceled") &&
    typeof end.durationMs === "number" &&
    isWireTail(end.stdout) &&
    isWireTail(end.stderr)
  );
}

function isWireTail(value: unknown): value is WireTail {
  return isRecord(value) && typeof value.b64 === "string" && isCount(value.total);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
