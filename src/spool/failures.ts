import { readSidecar, SIDECAR_SUFFIX } from "./sidecar.js";
import type { Spool } from "./spool.js";

/** A failed event as `evh status` and `evh queue` report it: its sidecar's reason and time. */
export interface FailureReport {
  /** The event file's name in failed/. */
  readonly file: string;
  readonly reason: string;
  /** ISO time from the sidecar, else the event file's mtime. */
  readonly at: string;
}

/**
 * Every event in failed/ with why it is there, newest first (by the sidecar's
 * `at`). An event without a sidecar (a name too long for the suffix, a
 * sidecar removed by hand) is listed too: it is a failure all the same.
 */
export async function failures(spool: Spool): Promise<FailureReport[]> {
  const reports: FailureReport[] = [];
  for (const entry of await spool.events("failed")) {
    reports.push(await failureOf(spool, entry.name, entry.mtimeMs));
  }
  const time = (r: FailureReport) => Date.parse(r.at) || 0;
  return reports.sort((a, b) => time(b) - time(a));
}

/** One failed event's report, read from its sidecar (`readSidecar`: safe and bounded). */
export async function failureOf(
  spool: Spool,
  name: string,
  mtimeMs: number,
): Promise<FailureReport> {
  const fallbackAt = new Date(mtimeMs).toISOString();
  const read = await readSidecar(spool.path("failed", `${name}${SIDECAR_SUFFIX}`));
  switch (read.kind) {
    case "report":
      return { file: name, reason: read.sidecar.reason, at: read.at ?? fallbackAt };
    case "unreadable":
      return { file: name, reason: "(the sidecar is not readable JSON)", at: fallbackAt };
    case "missing":
      return { file: name, reason: "(no sidecar)", at: fallbackAt };
    default: {
      const never: never = read;
      return never;
    }
  }
}
