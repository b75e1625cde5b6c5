import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    [250, 250],
    ["250", 250],
    ["250ms", 250],
    ["30s", 30_000],
    ["1.5m", 90_000],
    ["2h", 7_200_000],
    ["0", 0],
  ])("%j is %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(["", "5 minutes", "-1s", "1d", "s", null, true, -5, Number.NaN])(
    "rejects %j",
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );

  it("formats for messages", () => {
    expect([500, 1500, 90_000, 7_200_000].map(formatDuration)).toEqual([
      "500ms",
      "1.5s",
      "1.5m",
      "2h",
    ]);
  });
});
