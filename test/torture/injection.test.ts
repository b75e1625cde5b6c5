import { describe, it } from "vitest";
import { runInjection } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// `npm run torture:injection` is small enough to run whole in CI.
describe("torture: injection", () => {
  it("keeps param values data, paths inside the root, root handlers locked out, and secrets masked", async () => {
    expectOnlyKnownViolations(await runInjection());
  }, 120_000);
});
