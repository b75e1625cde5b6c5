import { describe, expect, it } from "vitest";
import { DecodeQueue, type ToDecode } from "../../src/agent/decode-queue.js";
import { Registry } from "../../src/handlers/registry.js";
import { waitFor } from "../helpers/wait-for.js";

const item = (name: string): ToDecode => ({
  name,
  origin: "new",
  second: false,
  registry: Registry.empty,
});

describe("decode queue", () => {
  it("hands out names in order; one put aside comes back behind the others and wakes the loop", async () => {
    let wakes = 0;
    const queue = new DecodeQueue(() => wakes++);
    queue.push(item("a.json"));
    queue.later({ ...item("b.json"), second: true }, 10);
    queue.push(item("c.json"));
    expect(queue.delayed).toBe(1);
    expect(queue.shift()?.name).toBe("a.json");
    await waitFor(() => wakes === 1, 10_000, "the settle timer");
    expect(queue.delayed).toBe(0);
    expect(queue.shift()?.name).toBe("c.json");
    expect(queue.shift()).toMatchObject({ name: "b.json", second: true });
    expect(queue.shift()).toBeUndefined();
  });

  it("once closed, arms no timer: a run failing during shutdown cannot requeue its event", () => {
    let wakes = 0;
    const queue = new DecodeQueue(() => wakes++);
    queue.later(item("before.json"), 10);
    queue.close();
    // What agent.ts's runEvent catch does when a run fails after close() began.
    queue.later(item("after.json"), 10);
    // No timer held: none can fire, keep the process alive or wake a loop that is gone.
    expect(queue.delayed).toBe(0);
    expect(wakes).toBe(0);
    expect(queue.length).toBe(0);
  });

  it("putting the same name aside twice keeps one timer", () => {
    const queue = new DecodeQueue(() => undefined);
    queue.later(item("a.json"), 60_000);
    queue.later(item("a.json"), 60_000);
    expect(queue.delayed).toBe(1);
    queue.close();
  });
});
