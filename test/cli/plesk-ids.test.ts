import { describe, expect, it } from "vitest";
import {
  asPleskIds,
  handlerOfNumber,
  NO_PLESK_IDS,
  numberHandlers,
  numberOf,
  retireHandler,
} from "../../src/cli/plesk-ids.js";

const h = (id: string, file = `/r/handlers.d/${id}.yaml`) => ({ id, file });

describe("Plesk numbers", () => {
  it("numbers handlers in load order, keeps numbers, never gives one twice", () => {
    const first = numberHandlers(NO_PLESK_IDS, [h("a"), h("b"), h("c")], new Set());
    expect(first.handlers.map((e) => [e.id, e.n])).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    expect(numberHandlers(first, [h("a"), h("b"), h("c")], new Set())).toEqual(first);
    const bGone = numberHandlers(first, [h("a"), h("c")], new Set());
    expect(numberOf(bGone, "c")).toBe(3);
    expect(handlerOfNumber(bGone, 2)).toBeUndefined();
    // b comes back (or a new b): a new number, never 2 again
    const bBack = numberHandlers(bGone, [h("a"), h("b"), h("c"), h("d")], new Set());
    expect(numberOf(bBack, "b")).toBe(4);
    expect(numberOf(bBack, "d")).toBe(5);
    expect(numberOf(retireHandler(bBack, "d"), "d")).toBeUndefined();
    expect(numberHandlers(retireHandler(bBack, "d"), [h("d")], new Set()).next).toBe(7);
  });

  it("keeps the number of a handler whose file fails to load right now", () => {
    const ids = numberHandlers(NO_PLESK_IDS, [h("a"), h("b")], new Set());
    const broken = numberHandlers(ids, [h("a")], new Set(["/r/handlers.d/b.yaml"]));
    expect(numberOf(broken, "b")).toBe(2);
  });

  it("follows a handler to another file", () => {
    const ids = numberHandlers(NO_PLESK_IDS, [h("a")], new Set());
    const moved = numberHandlers(ids, [h("a", "/r/handlers.d/10-a.yaml")], new Set());
    expect(moved.handlers).toEqual([{ id: "a", n: 1, file: "/r/handlers.d/10-a.yaml" }]);
  });

  it("accepts only a well-formed registry", () => {
    expect(asPleskIds({ next: 3, handlers: [{ id: "a", n: 1, file: "/f" }] })).toEqual({
      next: 3,
      handlers: [{ id: "a", n: 1, file: "/f" }],
    });
    for (const bad of [
      null,
      [],
      { next: 0, handlers: [] },
      { next: 2, handlers: [{ id: "a", n: 2, file: "/f" }] },
      {
        next: 3,
        handlers: [
          { id: "a", n: 1, file: "/f" },
          { id: "b", n: 1, file: "/f" },
        ],
      },
      { next: 2, handlers: [{ id: 1, n: 1, file: "/f" }] },
    ]) {
      expect(asPleskIds(bad)).toBeUndefined();
    }
  });
});
