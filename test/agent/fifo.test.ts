import { describe, expect, it } from "vitest";
import { Fifo } from "../../src/agent/fifo.js";

describe("Fifo", () => {
  it("gives items back in arrival order across its compactions, with put-backs in front", () => {
    const fifo = new Fifo<number>();
    const out: number[] = [];
    for (let i = 0; i < 5000; i++) fifo.push(i);
    for (let i = 0; i < 3000; i++) out.push(fifo.shift() as number);
    fifo.unshift(out.pop() as number); // 2999 back in front
    fifo.push(5000);
    expect(fifo.size).toBe(2002);
    while (fifo.size > 0) out.push(fifo.shift() as number);
    expect(out).toEqual(Array.from({ length: 5001 }, (_, i) => i));
    expect(fifo.shift()).toBeUndefined();
    fifo.unshift(7);
    expect([fifo.shift(), fifo.size]).toEqual([7, 0]);
  });
});
