import { describe, expect, it } from "vitest";
import { formatDuration, missingUnitHint, parseDuration } from "../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    [0, 0],
    ["30s", 30_000],
    ["1.5m", 90_000],
    ["2h", 7_200_000],
    ["0", 0],
  ])("%j is %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(["", "5 minutes", "-1s", "1d", "s", null, true, -5, Number.NaN, 250, "250", "1.5"])(
    "rejects %j",
    (input) => {
      expect(parseDuration(input)).toBeUndefined();
    },
  );

  it.each([
    [30, "add a unit: 30s or 30ms"],
    ["30", "add a unit: 30s or 30ms"],
    [" 2.5 ", "add a unit: 2.5s or 2.5ms"],
    ["30x", undefined],
    ["30s", undefined],
    [true, undefined],
  ])("%j: missing-unit hint %j", (input, hint) => {
    expect(missingUnitHint(input)).toBe(hint);
  });

  it("formats for messages", () => {
    expect([500, 1500, 90_000, 7_200_000].map(formatDuration)).toEqual([
      "500ms",
      "1.5s",
      "1.5m",
      "2h",
    ]);
  });
});
