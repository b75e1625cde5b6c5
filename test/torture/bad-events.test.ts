import { describe, it } from "vitest";
import { runBadEvents } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// CI size of `npm run torture:bad-events`: every other case of the corpus.
describe("torture: bad events", () => {
  it("quarantines every bad input with its reason and handles the good event after it", async () => {
    expectOnlyKnownViolations(await runBadEvents({ every: 2 }));
  }, 150_000);
});
