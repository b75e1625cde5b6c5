import { describe, expect, it } from "vitest";
import { didYouMean, editDistance } from "../../src/events/did-you-mean.js";

const KEYS = ["id", "event", "priority", "user", "command", "shell", "timeout", "enabled", "env"];

describe("didYouMean", () => {
  it.each([
    ["comand", "command"],
    ["commnad", "command"],
    ["Command", "command"],
    ["evnet", "event"],
    ["priorty", "priority"],
    ["timout", "timeout"],
    ["users", "user"],
    ["enabeld", "enabled"],
  ])("%s → %s", (typo, expected) => {
    expect(didYouMean(typo, KEYS)).toBe(expected);
  });

  it("suggests nothing when no key is close", () => {
    expect(didYouMean("schedule", KEYS)).toBeUndefined();
    expect(didYouMean("x", KEYS)).toBeUndefined();
  });

  it("counts an adjacent swap as one edit", () => {
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
