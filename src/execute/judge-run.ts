import { CANCELED, type RunRecord } from "../record/outcome.js";
import { describeSpawnError } from "./spawn-error.js";
import type { ProcessEnd } from "./supervise-process.js";

/** The outcome of a finished process and, unless `ok`, why, in one line (SPEC §4). */
export function judgeRun(
  end: ProcessEnd,
  file: string,
  timeoutMs: number,
): Pick<RunRecord, "outcome" | "error" | "timedOut" | "canceled"> {
  const ended = { timedOut: false, canceled: false };
  if (end.spawnError !== undefined) {
    return { outcome: "failed", error: describeSpawnError(file, end.spawnError), ...ended };
  }
  // Checked before the exit status: a handler that exits 0 on our SIGTERM was still cut short.
  if (end.stoppedFor === "canceled") {
    return { outcome: "failed", error: CANCELED, timedOut: false, canceled: true };
  }
  if (end.stoppedFor === "timeout") {
    return {
      outcome: "timeout",
      error: `timed out after ${timeoutMs} ms`,
      timedOut: true,
      canceled: false,
    };
  }
  if (end.signal !== null) return { outcome: "failed", error: `killed by ${end.signal}`, ...ended };
  if (end.exitCode === 0) return { outcome: "ok", error: undefined, ...ended };
  return { outcome: "failed", error: `exit ${end.exitCode ?? "unknown"}`, ...ended };
}
