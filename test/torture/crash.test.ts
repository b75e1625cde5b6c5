import { describe, it } from "vitest";
import { runCrash } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// CI size of `npm run torture:crash`: the same driver, fewer events and kills.
describe("torture: crash", () => {
  it("loses no event and re-runs only handlers in flight across kill -9, reloads and retries", async () => {
    expectOnlyKnownViolations(await runCrash({ events: 100, kills: 5, maxKillDelayMs: 700 }));
  }, 150_000);
});
