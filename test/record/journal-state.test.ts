import { describe, expect, it } from "vitest";
import { planRound } from "../../src/agent/plan-round.js";
import { type JournalRecord, JournalState } from "../../src/record/journal-state.js";
import { storedOutcome as outcome } from "../helpers/outcome.js";

function replay(records: JournalRecord[]): JournalState {
  const state = new JournalState();
  for (const r of records) state.apply(r);
  return state;
}

describe("journal replay and round planning", () => {
  it("a crash mid-round resumes it, skipping handlers that reached an outcome", () => {
    const state = replay([{ t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") }]);
    const round = planRound(state.progress("e.json", "s1"), "s1", "cur");
    expect(round).toMatchObject({ kind: "run", plan: null, claim: false });
    expect(round.kind === "run" && [...(round.progress?.done ?? [])]).toEqual(["a"]);
  });

  it("a failed event put back runs only its failed and timed-out handlers", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "failed", 3) },
      { t: "run", f: "e.json", h: "s1", o: outcome("c", "timeout", null) },
      { t: "run", f: "e.json", h: "s1", o: outcome("d", "refused", null) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 1 },
    ]);
    expect(planRound(state.progress("e.json", "s1"), "s1", "new")).toMatchObject({
      kind: "run",
      plan: ["b", "c"],
      claim: true,
    });
  });

  it("a failed end not yet placed: placement only when requeued in-process, a retry from cur/ at start", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "failed", 3) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 1 },
    ]);
    const progress = state.progress("e.json", "s1");
    const requeued = planRound(progress, "s1", "requeued");
    expect(requeued.kind).toBe("unplaced");
    expect(requeued.kind === "unplaced" && requeued.outcomes.map((o) => o.outcome)).toEqual([
      "ok",
      "failed",
    ]);
    // At start, a retry whose claim record a crash cut off looks the same: run the failed ones.
    expect(planRound(progress, "s1", "cur")).toMatchObject({ kind: "run", plan: ["b"] });
  });

  it("a retry interrupted by a crash continues the retry, not a first run", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "failed", 1) },
      { t: "run", f: "e.json", h: "s1", o: outcome("c", "failed", 1) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 1 },
      { t: "claim", f: "e.json", h: "s1", plan: ["b", "c"] },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "ok") },
    ]);
    const progress = state.progress("e.json", "s1");
    const round = planRound(progress, "s1", "cur");
    expect(round).toMatchObject({ kind: "run", plan: ["b", "c"], claim: false });
    expect([...(progress?.done ?? [])]).toEqual(["b"]);
    expect(progress?.outcomes.get("a")?.outcome).toBe("ok");
  });

  it("different bytes under the same name are a new event", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "failed", 1) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 1 },
    ]);
    expect(planRound(state.progress("e.json", "s1"), "s2", "new")).toMatchObject({
      kind: "run",
      plan: null,
      claim: false,
    });
    state.apply({ t: "run", f: "e.json", h: "s2", o: outcome("a", "ok") });
    expect(state.progress("e.json", "s2")?.outcomes.get("a")?.outcome).toBe("ok");
    expect(state.progress("e.json", "s2")?.ended).toBeUndefined();
    // The first event keeps its own progress: the second one did not replace it.
    expect(state.progress("e.json", "s1")?.outcomes.get("a")?.outcome).toBe("failed");
    expect(state.progress("e.json", "s1")?.ended).toBe("failed");
  });

  it("two events of one name keep their own progress, and a rename carries it along", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "failed", 1) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 1 },
      { t: "run", f: "e.json", h: "s2", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s2", o: outcome("b", "failed", 1) },
      { t: "end", f: "e.json", h: "s2", r: "failed", at: 2 },
      // The second one collides in failed/ and is placed as e.1.json.
      { t: "mv", f: "e.json", h: "s2", to: "e.1.json" },
    ]);
    expect(state.progress("e.json", "s2")).toBeUndefined();
    expect(planRound(state.progress("e.json", "s1"), "s1", "new")).toMatchObject({ plan: ["b"] });
    expect(planRound(state.progress("e.1.json", "s2"), "s2", "new")).toMatchObject({
      plan: ["b"],
    });
    const copy = replay(state.snapshot(0));
    expect(copy.progress("e.1.json", "s2")).toEqual(state.progress("e.1.json", "s2"));
  });

  it("finds a failed event that came back under another name, only when unambiguous", () => {
    const state = replay([
      { t: "end", f: "a.json", h: "s1", r: "failed", at: 1 },
      { t: "end", f: "b.json", h: "s2", r: "failed", at: 1 },
      { t: "end", f: "c.json", h: "s2", r: "failed", at: 1 },
      { t: "end", f: "d.json", h: "s3", r: "ok", at: 1 },
    ]);
    const gone = () => true;
    expect(state.renamedFrom("a.1.json", "s1", gone)).toBe("a.json");
    // Still in the spool under its own name: a copy, not the same event.
    expect(state.renamedFrom("a.1.json", "s1", () => false)).toBeUndefined();
    expect(state.renamedFrom("x.json", "s2", gone)).toBeUndefined();
    expect(state.renamedFrom("x.json", "s3", gone)).toBeUndefined();
  });

  it("an event ended ok and still in cur/ only needs its placement", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "end", f: "e.json", h: "s1", r: "ok", id: "order-7", at: 1000 },
    ]);
    expect(planRound(state.progress("e.json", "s1"), "s1", "cur")).toEqual({ kind: "completed" });
    expect(planRound(state.progress("e.json", "s1"), "s1", "new")).toMatchObject({
      kind: "run",
      plan: null,
    });
    expect(state.completedIds.get("order-7")).toBe(1000);
  });

  it("a snapshot replays to the same state, dropping expired ids", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "run", f: "e.json", h: "s1", o: outcome("b", "failed", 2) },
      { t: "end", f: "e.json", h: "s1", r: "failed", at: 5 },
      { t: "claim", f: "e.json", h: "s1", plan: ["b"] },
      { t: "end", f: "old.json", h: "s9", r: "ok", id: "old", at: 10 },
      { t: "end", f: "new.json", h: "s8", r: "ok", id: "recent", at: 500 },
    ]);
    const copy = replay(state.snapshot(100));
    expect(copy.progress("e.json", "s1")).toEqual(state.progress("e.json", "s1"));
    expect([...copy.completedIds.keys()]).toEqual(["recent"]);
  });
});
