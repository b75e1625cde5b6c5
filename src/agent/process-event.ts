import { lstatSync } from "node:fs";
import type { Handler } from "../handlers/handler.js";
import type { Registry } from "../handlers/registry.js";
import type { Journal } from "../record/journal.js";
import { type HandlerOutcome, isFailure, type RunRecord, skipped } from "../record/outcome.js";
import { toStoredOutcome } from "../record/stored-outcome.js";
import { placeFailed } from "../spool/place-failed.js";
import { type SidecarOutcome, stderrTail } from "../spool/sidecar.js";
import type { Spool } from "../spool/spool.js";
import type { ClaimedEvent } from "./claimed-event.js";
import { planRound } from "./plan-round.js";

/** What one event needs from the agent. */
export interface EventContext {
  /** Whether a done event is kept in done/ (evh.yaml keep_done) rather than removed. */
  readonly keepDone: boolean;
  readonly spool: Spool;
  readonly journal: Journal;
  /** The handler set current when the event was claimed. */
  readonly registry: Registry;
  /** True once the agent stops taking work: no further handler starts. */
  readonly stopping: () => boolean;
  /** Runs one handler with its retries; reports each attempt. */
  readonly run: (
    handler: Handler,
    claimed: ClaimedEvent,
    onAttempt: (r: RunRecord) => void,
  ) => Promise<HandlerOutcome>;
  readonly onAttempt: (claimed: ClaimedEvent, record: RunRecord) => void;
  readonly onPlaced: (claimed: ClaimedEvent, result: EventResult) => void;
  /**
   * Hears that no handler of this event runs any more (journaling and
   * placement follow): the agent gives its concurrency slot to the next event.
   */
  readonly handlersDone?: () => void;
}

export type EventResult =
  | { kind: "done"; outcomes: readonly HandlerOutcome[] }
  | { kind: "failed"; outcomes: readonly HandlerOutcome[]; reason: string }
  /** Shutdown came first: the event stays in cur/ and resumes at the next start. */
  | { kind: "interrupted" }
  /** Its producer id already completed within the dedupe window: removed, nothing ran. */
  | { kind: "duplicate"; id: string };

/**
 * Runs the matching handlers of one event one after another (priority, then
 * file, then document order), journaling each final outcome before the next
 * starts, then places the file: deleted or done/ when every outcome is ok,
 * refused or skipped; failed/ with a sidecar otherwise (SPEC §4).
 */
export async function processEvent(claimed: ClaimedEvent, ctx: EventContext): Promise<EventResult> {
  const { journal } = ctx;
  await followRename(claimed, ctx);
  const round = planRound(journal.progress(claimed.name, claimed.sha), claimed.sha, claimed.origin);
  if (round.kind === "completed") return place(claimed, [], new Map(), ctx);
  if (round.kind === "unplaced") return placeInFailed(claimed, round.outcomes, new Map(), ctx);
  // Checked when the event starts, not when it is read: a copy read while the first was
  // still running (the scheduler never runs both at once) must find it completed.
  const { id } = claimed.event;
  if (id !== undefined && journal.isDuplicate(id)) {
    await ctx.spool.remove("cur", claimed.name);
    journal.forget(claimed.name, claimed.sha);
    const result: EventResult = { kind: "duplicate", id };
    ctx.onPlaced(claimed, result);
    return result;
  }
  if (round.claim) await journal.claim(claimed.name, claimed.sha, round.plan);

  const outcomes: HandlerOutcome[] = [];
  // Each handler's latest stderr tail (already redacted), for the sidecar: not journaled, since
  // the journal is the agent's state and a sidecar only a report for people.
  const stderrs = new Map<string, string>();
  // The latest outcome, journaled before the next handler starts or, for the last one, with the
  // round's end record: one fdatasync less per event.
  let unjournaled: HandlerOutcome | undefined;
  const journalRun = async () => {
    if (!unjournaled) return;
    await journal.recordRun(claimed.name, claimed.sha, unjournaled);
    unjournaled = undefined;
  };
  for (const { handler, when } of ctx.registry.match(claimed.event)) {
    const id = handler.id;
    const earlier = round.progress?.outcomes.get(id);
    if (round.plan !== null && !round.plan.includes(id)) {
      // Not part of this retry: it ended ok/refused earlier, or was added since (then it does not run).
      if (earlier) outcomes.push(earlier);
      continue;
    }
    if (round.progress?.done.has(id) && earlier) {
      outcomes.push(earlier);
      continue;
    }
    if (!when) {
      outcomes.push(skipped(id));
      continue;
    }
    await journalRun();
    if (ctx.stopping()) return { kind: "interrupted" };
    const outcome = await ctx.run(handler, claimed, (record) => {
      stderrs.set(id, record.stderr);
      ctx.onAttempt(claimed, record);
    });
    // Not an outcome: the handler runs again at the next start.
    if (outcome.interrupted) return { kind: "interrupted" };
    unjournaled = outcome;
    outcomes.push(outcome);
  }
  ctx.handlersDone?.();
  return place(claimed, outcomes, stderrs, ctx, unjournaled);
}

/**
 * A failed event that comes back under another name than the one it failed
 * under (`evh retry` into a taken name in new/, a claim into a taken name in
 * cur/, a crash between a rename's journal record and the rename): the
 * journal's `mv` carries its progress over, when exactly one failed event
 * with the same bytes is no longer in the spool under its own name.
 */
async function followRename(claimed: ClaimedEvent, ctx: EventContext): Promise<void> {
  const { journal, spool } = ctx;
  if (journal.progress(claimed.name, claimed.sha)) return;
  const from = journal.renamedFrom(claimed.name, claimed.sha, (name) =>
    (["new", "cur", "failed"] as const).every((state) => !present(spool.path(state, name))),
  );
  if (from !== undefined) await journal.rename(from, claimed.sha, claimed.name);
}

async function place(
  claimed: ClaimedEvent,
  outcomes: HandlerOutcome[],
  stderrs: ReadonlyMap<string, string>,
  ctx: EventContext,
  lastRun?: HandlerOutcome,
): Promise<EventResult> {
  const { journal, spool } = ctx;
  const { name, sha } = claimed;
  const failures = outcomes.filter((o) => isFailure(o.outcome));
  if (failures.length === 0) {
    await journal.end(name, sha, "ok", claimed.event.id, lastRun);
    if (ctx.keepDone) await spool.move(claimed.name, "cur", "done");
    else await spool.remove("cur", claimed.name);
    journal.forget(name, sha);
    // A resumed event may have been killed between its sidecar and its move to failed/.
    if (claimed.origin !== "new") await spool.removeOrphanSidecar(claimed.name);
    const result: EventResult = { kind: "done", outcomes };
    ctx.onPlaced(claimed, result);
    return result;
  }
  await journal.end(name, sha, "failed", claimed.event.id, lastRun);
  return placeInFailed(claimed, outcomes, stderrs, ctx);
}

/**
 * Moves a failed event, whose end is journaled, to failed/ with its sidecar;
 * each failed handler's line there carries the tail of its last run's stderr.
 */
async function placeInFailed(
  claimed: ClaimedEvent,
  outcomes: readonly HandlerOutcome[],
  stderrs: ReadonlyMap<string, string>,
  ctx: EventContext,
): Promise<EventResult> {
  const { spool } = ctx;
  const failures = outcomes.filter((o) => isFailure(o.outcome));
  const reason = failureReason(failures);
  const target = await spool.freeName("failed", claimed.name);
  // Its progress follows it to the new name, so that `evh retry` of it runs only what failed.
  if (target !== claimed.name) await ctx.journal.rename(claimed.name, claimed.sha, target);
  // A name too long for the suffix gets no sidecar; the log has the reason.
  await placeFailed(spool, claimed.name, "cur", target, {
    reason,
    detail: failures.map(describe).join("; "),
    at: new Date().toISOString(),
    outcomes: outcomes.map((o) => withStderr(o, stderrs)),
  });
  const result: EventResult = { kind: "failed", outcomes, reason };
  ctx.onPlaced(claimed, result);
  return result;
}

/** A sidecar line: a failure's stderr tail, "" for the others (and for runs of an earlier round). */
function withStderr(o: HandlerOutcome, stderrs: ReadonlyMap<string, string>): SidecarOutcome {
  const stderr = isFailure(o.outcome) ? stderrTail(stderrs.get(o.handler) ?? "") : "";
  return { ...toStoredOutcome(o), stderr };
}

/** `handler crm-sync failed: exit 3` (and how many others failed). */
function failureReason(failures: readonly HandlerOutcome[]): string {
  const first = failures[0] as HandlerOutcome;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
  return `${describe(first)}${more}`;
}

function describe(o: HandlerOutcome): string {
  const attempts = o.attempts > 1 ? ` after ${o.attempts} attempts` : "";
  if (o.outcome === "timeout") return `handler ${o.handler} timed out${attempts}`;
  const how = o.signal
    ? `killed by ${o.signal}`
    : o.exitCode !== null
      ? `exit ${o.exitCode}`
      : (o.error ?? "could not start");
  return `handler ${o.handler} failed: ${how}${attempts}`;
}

function present(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}
