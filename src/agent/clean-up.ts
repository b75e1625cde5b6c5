/**
 * Clean-up steps of what the agent holds (instance lock, journal, watchers,
 * timers), registered as each is acquired and run last-registered first.
 * Each step runs in its own try/finally: one that throws (a journal that
 * cannot be closed) never skips the steps after it, above all releasing the
 * instance lock. The last error thrown is the one reported; runs once.
 */
export class CleanUp {
  private readonly steps: (() => unknown)[] = [];

  defer(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const step = this.steps.pop();
    if (!step) return;
    try {
      await step();
    } finally {
      await this.run();
    }
  }
}
