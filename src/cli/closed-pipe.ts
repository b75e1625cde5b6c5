import type { Writable } from "node:stream";

/**
 * Output into a closed pipe (`evh status | head -1`) ends quietly (SPEC §6).
 * Node reports the reader's exit as an EPIPE 'error' event on the stream,
 * which, unhandled, kills the process with a stack trace. From the first
 * EPIPE on, writes to that stream are dropped: the command still finishes
 * what it was doing (`evh test --exec | head -3` runs every handler, not just
 * those whose output fitted) and exits with its own status.
 */
export function endQuietlyOnClosedPipe(stream: Writable & { write: Writable["write"] }): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    stream.write = ((_chunk: unknown, ...rest: unknown[]) => {
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as Writable["write"];
  });
}
