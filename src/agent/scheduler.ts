/**
 * Picks which waiting events may start (SPEC §5): at most `concurrency` at
 * once, and never two that share a lock. An event's locks are its ordering
 * key, plus its producer `id` when it has one, so two copies of one event
 * never run at once and the second finds the first completed (idempotency).
 * Events wait in arrival order; the first one whose locks are free starts
 * first, and a waiting event reserves its locks for those behind it, which
 * keeps each key (and each id) in arrival order.
 *
 * A slot is for running handlers: an event gives its slot back
 * (`handlersDone`) once its last handler has ended, while it is journaled
 * and placed; its locks stay held until it is placed (`finish`), so the
 * next event of its key still starts after it is wholly done.
 */
export class Scheduler<T> {
  private readonly waiting: T[] = [];
  private readonly held = new Set<string>();
  private started = 0;
  /** Started items that have given their slot back and are not finished. */
  private readonly slotFreed = new Set<T>();

  constructor(
    private readonly concurrency: number,
    private readonly locksOf: (item: T) => readonly string[],
  ) {}

  get running(): number {
    return this.started;
  }

  get queued(): number {
    return this.waiting.length;
  }

  add(item: T): void {
    this.waiting.push(item);
  }

  /** Removes and returns the events that may start now, taking their locks. */
  take(): T[] {
    const taken: T[] = [];
    const reserved = new Set<string>();
    for (let i = 0; i < this.waiting.length && this.started < this.concurrency; ) {
      const item = this.waiting[i] as T;
      const locks = this.locksOf(item);
      if (locks.some((lock) => this.held.has(lock) || reserved.has(lock))) {
        for (const lock of locks) reserved.add(lock);
        i++;
        continue;
      }
      for (const lock of locks) this.held.add(lock);
      this.started++;
      this.waiting.splice(i, 1);
      taken.push(item);
    }
    return taken;
  }

  /** Gives a started event's slot back; its locks stay held until `finish`. */
  handlersDone(item: T): void {
    if (this.slotFreed.has(item)) return;
    this.slotFreed.add(item);
    this.started--;
  }

  /** Releases a finished event's locks, and its slot if it still holds it. */
  finish(item: T): void {
    for (const lock of this.locksOf(item)) this.held.delete(lock);
    if (!this.slotFreed.delete(item)) this.started--;
  }
}
