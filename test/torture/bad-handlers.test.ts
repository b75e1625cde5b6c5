import { describe, it } from "vitest";
import { runBadHandlers } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// CI size of `npm run torture:bad-handlers`: every broken file in validate and at start, every 4th on reload.
describe("torture: bad handlers", () => {
  it("reports each broken handler file at its line and keeps every other handler running", async () => {
    expectOnlyKnownViolations(await runBadHandlers({ every: 4 }));
  }, 150_000);
});
