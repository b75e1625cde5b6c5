/**
 * The grace period of a shutdown (SPEC §5): running handlers may finish
 * within `graceMs`; `end()` (a second SIGTERM) ends it at once, also before
 * the wait began. The timer is cleared either way: it keeps nothing alive.
 */
export class Grace {
  private over: (() => void) | undefined;
  private ended = false;

  constructor(private readonly graceMs: number) {}

  /** Waits for `work` to settle; "timeout" when the grace period ended first. */
  async wait(work: Iterable<Promise<unknown>>): Promise<"drained" | "timeout"> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      this.over = () => resolve("timeout");
      timer = setTimeout(this.over, this.ended ? 0 : this.graceMs);
    });
    const drained = Promise.allSettled(work).then(() => "drained" as const);
    try {
      return await Promise.race([drained, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  end(): void {
    this.ended = true;
    this.over?.();
  }
}
