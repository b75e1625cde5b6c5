import { describe, expect, it } from "vitest";
import { checkRecord } from "../../src/record/journal-record.js";
import { storedOutcome as outcome } from "../helpers/outcome.js";

describe("journal record shapes", () => {
  it("accepts every record type the journal writes", () => {
    const records = [
      { t: "claim", f: "e.json", h: "s", plan: null },
      { t: "claim", f: "e.json", h: "s", plan: ["a"] },
      { t: "run", f: "e.json", h: "s", o: outcome("a", "failed", 3) },
      { t: "end", f: "e.json", h: "s", r: "ok", id: "x", at: 5 },
      { t: "mv", f: "e.json", h: "s", to: "e.1.json" },
      { t: "snap", f: "e.json", h: "s", outcomes: [outcome("a")], plan: null, done: ["a"] },
      { t: "dedupe", id: "x", at: 5 },
    ];
    for (const r of records) expect(checkRecord(r)).toBe(r);
  });

  it.each([
    [null, "not a JSON object (null)"],
    [7, "not a JSON object (number)"],
    [[], "not a JSON object (object)"],
    [{ t: "zzz", f: "e.json", h: "s" }, 'unknown record type "zzz"'],
    [{ f: "e.json" }, 'no record type ("t")'],
    [{ t: "run", f: 3, h: "s", o: outcome("a") }, "run needs f (file name) and h (hash)"],
    [{ t: "run", f: "e.json", h: "s", o: null }, "run needs o (a handler outcome)"],
    [
      { t: "run", f: "e.json", h: "s", o: { ...outcome("a"), outcome: "great" } },
      "run needs o (a handler outcome)",
    ],
    [{ t: "claim", f: "e.json", h: "s", plan: "all" }, "claim needs plan (null or a list of ids)"],
    [{ t: "end", f: "e.json", h: "s", r: "maybe", at: 1 }, "end needs r (ok|failed) and at"],
    [{ t: "end", f: "e.json", h: "s", r: "ok", at: "now" }, "end needs r (ok|failed) and at"],
    [{ t: "mv", f: "e.json", h: "s" }, "mv needs to (the new name)"],
    [
      { t: "snap", f: "e.json", h: "s", outcomes: {}, plan: null, done: [] },
      "snap needs outcomes, plan and done",
    ],
    [{ t: "dedupe", id: 5, at: 1 }, "dedupe needs id and at"],
  ])("refuses %j: %s", (value, reason) => {
    expect(checkRecord(value)).toBe(reason);
  });
});
