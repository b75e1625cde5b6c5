import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  countFdsByListing,
  countFdsBySize,
  hasFdHeadroom,
  openFdCount,
  parseOpenFilesLimit,
  probeFdHeadroom,
} from "../../src/execute/fd-headroom.js";
import { HeldDescriptors } from "../helpers/descriptors.js";

const held = new HeldDescriptors();
afterEach(() => held.release());

describe("parseOpenFilesLimit", () => {
  const limits = (soft: string) =>
    [
      "Limit                     Soft Limit           Hard Limit           Units     ",
      "Max processes             96365                96365                processes ",
      `Max open files            ${soft.padEnd(20)} 4096                 files     `,
      "Max locked memory         8388608              8388608              bytes     ",
    ].join("\n");

  it("reads the soft limit of open files", () => {
    expect(parseOpenFilesLimit(limits("1024"))).toBe(1024);
    expect(parseOpenFilesLimit(limits("unlimited"))).toBe(Number.POSITIVE_INFINITY);
  });

  it("gives undefined for a text without a usable line", () => {
    expect(parseOpenFilesLimit("")).toBeUndefined();
    expect(parseOpenFilesLimit(limits("lots"))).toBeUndefined();
    expect(parseOpenFilesLimit(limits("0"))).toBeUndefined();
  });
});

describe("hasFdHeadroom", () => {
  it("counts the descriptors that are open", () => {
    // readdirSync's own descriptor is in its listing.
    expect(openFdCount()).toBe(readdirSync("/proc/self/fd").length - 1);
    expect(countFdsByListing()).toBe(readdirSync("/proc/self/fd").length - 1);
    held.open();
    expect(openFdCount()).toBe(readdirSync("/proc/self/fd").length - 1);
  });

  // Linux 6.2 and later; older kernels report 0 and the listing is used.
  it.skipIf(countFdsBySize() === 0)("counts by the size of /proc/self/fd as by listing it", () => {
    expect(countFdsBySize()).toBe(countFdsByListing());
    held.open();
    expect(countFdsBySize()).toBe(countFdsByListing());
  });

  it("says yes with exactly n descriptors free and no with one fewer, as opening them does", () => {
    held.exhaust(10);
    expect([hasFdHeadroom(10), probeFdHeadroom(10)]).toEqual([true, true]);
    expect([hasFdHeadroom(11), probeFdHeadroom(11)]).toEqual([false, false]);
    held.closeOne();
    expect([hasFdHeadroom(11), probeFdHeadroom(11)]).toEqual([true, true]);
  });

  it("says no when no descriptor is left at all", () => {
    held.exhaust(0);
    expect([hasFdHeadroom(1), probeFdHeadroom(1)]).toEqual([false, false]);
  });
});
