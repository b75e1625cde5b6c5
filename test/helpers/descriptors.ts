import { closeSync, openSync } from "node:fs";

/**
 * Descriptors a test holds open to starve the process of them; `release()`
 * closes them all (call it in afterEach).
 */
export class HeldDescriptors {
  readonly fds: number[] = [];

  /** Opens one more (of /dev/null). */
  open(): number {
    const fd = openSync("/dev/null", "r");
    this.fds.push(fd);
    return fd;
  }

  /** Opens /dev/null until the process has no descriptor left (EMFILE), then frees `spare`. */
  exhaust(spare = 0): void {
    for (;;) {
      try {
        this.open();
      } catch {
        for (const fd of this.fds.splice(this.fds.length - spare)) closeSync(fd);
        return;
      }
    }
  }

  /** Closes the last one opened. */
  closeOne(): void {
    const fd = this.fds.pop();
    if (fd !== undefined) closeSync(fd);
  }

  release(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
  }
}
