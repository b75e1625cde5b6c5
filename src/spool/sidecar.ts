import { randomBytes } from "node:crypto";
import path from "node:path";
import { errnoCode } from "../errors/evh-error.js";
import { OUTCOMES, type Outcome } from "../record/outcome.js";
import type { StoredOutcome } from "../record/stored-outcome.js";
import { writeFileAtomic } from "../system/atomic-write.js";
import { readEventBytes } from "./read-event-bytes.js";

/**
 * One handler's line in a sidecar (SPEC §4): its outcome, and the tail of
 * its failed run's stderr, so the report says why without a trip to the log.
 */
export type SidecarOutcome = Omit<StoredOutcome, "error"> & {
  readonly error?: string;
  /** The last `SIDECAR_STDERR_BYTES` of the failed run's stderr, secrets redacted; "" otherwise. */
  readonly stderr: string;
};

/** The `<name>.error.json` written beside a failed event (SPEC §2, §4): a report for people. */
export interface Sidecar {
  readonly reason: string;
  readonly detail: string;
  readonly at: string;
  readonly outcomes?: readonly SidecarOutcome[];
}

/** How much of a failed run's stderr a sidecar keeps (SPEC §4). */
export const SIDECAR_STDERR_BYTES = 4096;

/**
 * A sidecar holds up to 4 KiB of stderr (JSON-escaped, up to six bytes a
 * byte) per failed handler: 1 MiB leaves room for dozens, and bounds what a
 * reader ever takes in.
 */
const SIDECAR_MAX_BYTES = 1024 * 1024;

/** The last `SIDECAR_STDERR_BYTES` bytes of `text`, never starting inside a character. */
export function stderrTail(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= SIDECAR_STDERR_BYTES) return text;
  let start = bytes.length - SIDECAR_STDERR_BYTES;
  // Continuation bytes (10xxxxxx) belong to a character cut off in front.
  while (start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString("utf8");
}

/** A sidecar as read back: `unreadable` when it is not a JSON report (torn, planted, too big). */
export type ReadSidecar =
  | { readonly kind: "report"; readonly sidecar: Sidecar; readonly at: string | undefined }
  | { readonly kind: "unreadable" }
  | { readonly kind: "missing" };

/**
 * Reads a sidecar the way the agent reads events (`readEventBytes`): no link
 * followed, no FIFO waited on, a regular file with one name, bounded. Missing
 * fields read as empty (`at` undefined, so the caller can fall back to the
 * file's mtime); outcomes of the wrong shape are dropped.
 */
export async function readSidecar(file: string): Promise<ReadSidecar> {
  let data: unknown;
  try {
    const { bytes } = await readEventBytes(file, SIDECAR_MAX_BYTES);
    data = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { kind: "missing" };
    return { kind: "unreadable" };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { kind: "unreadable" };
  }
  const fields = data as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  const at = text(fields.at);
  return {
    kind: "report",
    at,
    sidecar: {
      reason: text(fields.reason) ?? "(no reason in the sidecar)",
      detail: text(fields.detail) ?? "",
      at: at ?? "",
      outcomes: Array.isArray(fields.outcomes) ? fields.outcomes.flatMap(sidecarOutcome) : [],
    },
  };
}

/** One outcome read back, or none when it has not the shape the agent writes. */
function sidecarOutcome(value: unknown): SidecarOutcome[] {
  if (typeof value !== "object" || value === null) return [];
  const o = value as Record<string, unknown>;
  if (typeof o.handler !== "string" || !isOutcome(o.outcome)) return [];
  return [
    {
      handler: o.handler,
      outcome: o.outcome,
      exit_code: typeof o.exit_code === "number" ? o.exit_code : null,
      signal: typeof o.signal === "string" ? o.signal : null,
      attempts: typeof o.attempts === "number" ? o.attempts : 0,
      ...(typeof o.error === "string" ? { error: o.error } : {}),
      stderr: typeof o.stderr === "string" ? o.stderr : "",
    },
  ];
}

export const SIDECAR_SUFFIX = ".error.json";

export function sidecarName(eventName: string): string {
  return `${eventName}${SIDECAR_SUFFIX}`;
}

/**
 * The temp name a sidecar is written under before its rename. Hidden (a
 * leading `.`) on purpose: names starting with `.` are never taken from new/,
 * so no entry a producer placed can ever be found in failed/ under a name of
 * this shape, and the random part makes the name unguessable besides.
 */
const SIDECAR_TEMP = /^\.evh-sidecar-[0-9a-f]{16}\.tmp$/;

/** A sidecar's temp file, left behind when the agent was killed while writing it. */
export function isSidecarTemp(name: string): boolean {
  return SIDECAR_TEMP.test(name);
}

export function isSidecar(name: string): boolean {
  return name.endsWith(SIDECAR_SUFFIX);
}

/**
 * Written by `writeFileAtomic`, so a reader never sees half a sidecar. The
 * temp file is created exclusively under a name the agent chose (SPEC §2):
 * nothing already in failed/, a planted symlink included, is ever written
 * through; the rename replaces a name, it never follows one.
 * Returns false when the event's name is too long to take the suffix
 * (NAME_MAX): the event is still placed, and the reason is in the log only.
 */
export async function writeSidecar(file: string, sidecar: Sidecar): Promise<boolean> {
  const dir = path.dirname(file);
  try {
    await writeFileAtomic(file, `${JSON.stringify(sidecar, null, 2)}\n`, {
      temp: () => path.join(dir, `.evh-sidecar-${randomBytes(8).toString("hex")}.tmp`),
    });
  } catch (error) {
    if (errnoCode(error) === "ENAMETOOLONG") return false;
    throw error;
  }
  return true;
}

function isOutcome(value: unknown): value is Outcome {
  return (OUTCOMES as readonly unknown[]).includes(value);
}
