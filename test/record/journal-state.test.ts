import { describe, expect, it } from "vitest";
import { planRound } from "../../src/agent/plan-round.js";
import { type JournalRecord, JournalState } from "../../src/record/journal-state.js";
import { outcome } from "../helpers/outcome.js";

function replay(records: JournalRecord[]): JournalState {
  const state = new JournalState();
  for (const r of records) state.apply(r);
  return state;
}

describe("journal replay and round planning", () => {
  it("a crash mid-round resumes it, skipping handlers that reached an outcome", () => {
    const state = replay([{ t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") }]);
    const round = planRound(state.events.get("e.json"), "s1", "cur");
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
    expect(planRound(state.events.get("e.json"), "s1", "new")).toMatchObject({
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
    const progress = state.events.get("e.json");
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
    const progress = state.events.get("e.json");
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
    expect(planRound(state.events.get("e.json"), "s2", "new")).toMatchObject({
      kind: "run",
      plan: null,
      claim: false,
    });
    state.apply({ t: "run", f: "e.json", h: "s2", o: outcome("a", "ok") });
    expect(state.events.get("e.json")?.outcomes.get("a")?.outcome).toBe("ok");
    expect(state.events.get("e.json")?.ended).toBeUndefined();
  });

  it("an event ended ok and still in cur/ only needs its placement", () => {
    const state = replay([
      { t: "run", f: "e.json", h: "s1", o: outcome("a", "ok") },
      { t: "end", f: "e.json", h: "s1", r: "ok", id: "order-7", at: 1000 },
    ]);
    expect(planRound(state.events.get("e.json"), "s1", "cur")).toEqual({ kind: "completed" });
    expect(planRound(state.events.get("e.json"), "s1", "new")).toMatchObject({
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
    const copy = replay(state.snapshot(() => true, 100));
    expect(copy.events.get("e.json")).toEqual(state.events.get("e.json"));
    expect([...copy.completedIds.keys()]).toEqual(["recent"]);
  });
});
