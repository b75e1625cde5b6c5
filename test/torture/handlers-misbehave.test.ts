import { describe, it } from "vitest";
import { runMisbehave } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// CI size of `npm run torture:handlers-misbehave`: a 20 MB flood instead of 300 MB.
describe("torture: handlers that misbehave", () => {
  it("gets an outcome from every misbehaving handler and leaves nothing of its group behind", async () => {
    expectOnlyKnownViolations(await runMisbehave({ floodBytes: 20_000_000 }));
  }, 120_000);
});
