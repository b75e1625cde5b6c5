/**
 * Picks which waiting events may start (SPEC §5): at most `concurrency` at
 * once, and never two with the same ordering key, which keeps each key in
 * arrival order. Events wait in arrival order; the first one whose key is
 * free starts first.
 */
export class Scheduler<T extends { readonly key: string }> {
  private readonly waiting: T[] = [];
  private readonly runningKeys = new Set<string>();

  constructor(private readonly concurrency: number) {}

  get running(): number {
    return this.runningKeys.size;
  }

  get queued(): number {
    return this.waiting.length;
  }

  add(item: T): void {
    this.waiting.push(item);
  }

  /** Removes and returns the events that may start now, marking their keys busy. */
  take(): T[] {
    const started: T[] = [];
    for (let i = 0; i < this.waiting.length && this.runningKeys.size < this.concurrency; ) {
      const item = this.waiting[i] as T;
      if (this.runningKeys.has(item.key)) {
        i++;
        continue;
      }
      this.runningKeys.add(item.key);
      this.waiting.splice(i, 1);
      started.push(item);
    }
    return started;
  }

  /** Frees an event's key when it finished. */
  finish(item: T): void {
    this.runningKeys.delete(item.key);
  }
}
