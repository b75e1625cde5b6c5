import { describe, expect, it } from "vitest";
import { CleanUp } from "../../src/agent/clean-up.js";

describe("clean-up steps", () => {
  it("run last-registered first, each even when one before it throws, and once", async () => {
    const ran: string[] = [];
    const cleanUp = new CleanUp();
    cleanUp.defer(() => ran.push("release lock"));
    cleanUp.defer(async () => {
      ran.push("close journal");
      throw new Error("EIO closing the journal");
    });
    cleanUp.defer(() => ran.push("stop watchers"));
    await expect(cleanUp.run()).rejects.toThrow("EIO closing the journal");
    expect(ran).toEqual(["stop watchers", "close journal", "release lock"]);
    await cleanUp.run();
    expect(ran).toHaveLength(3);
  });
});
