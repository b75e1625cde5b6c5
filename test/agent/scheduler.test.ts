import { describe, expect, it } from "vitest";
import { Scheduler } from "../../src/agent/scheduler.js";

type Item = { name: string; key: string; id?: string };
const ev = (name: string, key: string, id?: string): Item => ({ name, key, id });
const locks = (item: Item) => (item.id === undefined ? [item.key] : [item.key, `id ${item.id}`]);

describe("Scheduler", () => {
  it("starts at most `concurrency` events", () => {
    const s = new Scheduler<Item>(2, locks);
    for (const e of [ev("a", "1"), ev("b", "2"), ev("c", "3")]) s.add(e);
    expect(s.take().map((e) => e.name)).toEqual(["a", "b"]);
    expect(s.take()).toEqual([]);
    expect(s.running).toBe(2);
    expect(s.queued).toBe(1);
  });

  it("never overlaps two events of one key, and keeps each key in arrival order", () => {
    const s = new Scheduler<Item>(3, locks);
    const items = [ev("a1", "A"), ev("a2", "A"), ev("b1", "B"), ev("a3", "A"), ev("c1", "C")];
    for (const e of items) s.add(e);
    const first = s.take();
    expect(first.map((e) => e.name)).toEqual(["a1", "b1", "c1"]);
    s.finish(first[1]!); // b1 done: a2 still waits for a1
    expect(s.take()).toEqual([]);
    s.finish(first[0]!); // a1 done: a2 next, never a3
    expect(s.take().map((e) => e.name)).toEqual(["a2"]);
  });

  it("gives a slot back when an event's handlers are done, and its key when it is placed", () => {
    const s = new Scheduler<Item>(1, locks);
    const [a1, b1, a2] = [ev("a1", "A"), ev("b1", "B"), ev("a2", "A")];
    for (const e of [a1, a2, b1]) s.add(e);
    expect(s.take()).toEqual([a1]);
    s.handlersDone(a1); // a1 is being placed: its slot goes to b1, never to a2 (same key)
    s.handlersDone(a1); // said twice, counted once
    expect(s.running).toBe(0);
    expect(s.take()).toEqual([b1]);
    expect(s.running).toBe(1);
    s.finish(a1); // placed: its key is free, but the one slot is b1's
    expect(s.take()).toEqual([]);
    s.finish(b1);
    expect(s.take()).toEqual([a2]);
    expect(s.running).toBe(1);
  });

  it("with concurrency 1 runs everything in arrival order", () => {
    const s = new Scheduler<Item>(1, locks);
    for (const e of [ev("x", "1"), ev("y", "2"), ev("z", "1")]) s.add(e);
    const order: string[] = [];
    for (let batch = s.take(); batch.length > 0; batch = s.take()) {
      for (const e of batch) {
        order.push(e.name);
        s.finish(e);
      }
    }
    expect(order).toEqual(["x", "y", "z"]);
  });

  it("never overlaps two copies of one id, whatever their keys, and keeps keys in order", () => {
    const s = new Scheduler<Item>(3, locks);
    // b1 shares a1's id; b2 comes after b1 in key B, so it must wait for b1 too.
    const items = [ev("a1", "A", "x"), ev("b1", "B", "x"), ev("b2", "B"), ev("c1", "C")];
    for (const e of items) s.add(e);
    const first = s.take();
    expect(first.map((e) => e.name)).toEqual(["a1", "c1"]);
    s.finish(first[0]!);
    expect(s.take().map((e) => e.name)).toEqual(["b1"]);
    expect(s.running).toBe(2);
  });
});
