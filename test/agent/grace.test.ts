import { describe, expect, it } from "vitest";
import { Grace } from "../../src/agent/grace.js";

const never = new Promise<void>(() => undefined);

describe("grace period", () => {
  it("ends as soon as the work settles, failures included", async () => {
    const grace = new Grace(600_000);
    expect(await grace.wait([Promise.resolve(), Promise.reject(new Error("x"))])).toBe("drained");
  });

  it("times out when the work outlasts it", async () => {
    expect(await new Grace(20).wait([never])).toBe("timeout");
  });

  it("end() cuts it short while waiting, and before the wait began", async () => {
    const waiting = new Grace(600_000);
    const result = waiting.wait([never]);
    waiting.end();
    expect(await result).toBe("timeout");
    const early = new Grace(600_000);
    early.end();
    expect(await early.wait([never])).toBe("timeout");
  });
});
