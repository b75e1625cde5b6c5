import { describe, it } from "vitest";
import { runResources } from "../../torture/lib/index.mjs";
import { expectOnlyKnownViolations } from "./expect-report.js";

// CI size of `npm run torture:resources`: fewer events, a shorter full disk.
describe("torture: resources", () => {
  it("survives a full disk, a descriptor limit and spool folders removed under it", async () => {
    expectOnlyKnownViolations(await runResources({ events: 10, fullMs: 3000 }));
  }, 150_000);
});
