import type { Registry } from "../handlers/registry.js";
import type { Origin } from "./plan-round.js";

/** Pause after a transient error (EMFILE, EIO) before a file is tried again. */
export const TRANSIENT_BACKOFF_MS = 1000;

/** A claimed file in cur/ not decoded yet, with the handler set it will run with. */
export interface ToDecode {
  readonly name: string;
  readonly origin: Origin;
  /** Its second parse, after the settle delay. */
  readonly second: boolean;
  readonly registry: Registry;
}

/**
 * The names in cur/ waiting to be decoded, in order (resumed ones first), and
 * those put aside for a while: a file that may still be being written (the
 * settle delay) or one whose read or run hit a transient error. A name put
 * aside comes back behind the others and wakes the loop.
 *
 * Once closed it arms no timer: an error caught after shutdown started (a
 * run ending in the grace period) must not keep the process alive or wake a
 * loop that is gone.
 */
export class DecodeQueue {
  private readonly waiting: ToDecode[] = [];
  private readonly aside = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly wake: () => void) {}

  push(item: ToDecode): void {
    this.waiting.push(item);
  }

  shift(): ToDecode | undefined {
    return this.waiting.shift();
  }

  /** Names waiting now (not those put aside). */
  get length(): number {
    return this.waiting.length;
  }

  /** Names put aside, whose timer has not fired yet. */
  get delayed(): number {
    return this.aside.size;
  }

  /** Queues `item` again after `delayMs`, behind the others. */
  later(item: ToDecode, delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.aside.get(item.name));
    const timer = setTimeout(() => {
      this.aside.delete(item.name);
      this.waiting.push(item);
      this.wake();
    }, delayMs);
    this.aside.set(item.name, timer);
  }

  /** Clears every timer; later() does nothing from now on. */
  close(): void {
    this.closed = true;
    for (const timer of this.aside.values()) clearTimeout(timer);
    this.aside.clear();
  }
}
