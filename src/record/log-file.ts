import {
  closeSync,
  constants,
  createWriteStream,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  type WriteStream,
} from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { errnoCode } from "../errors/evh-error.js";

/** After a write error the file is tried again after 1 s, then 2 s, 4 s, then every 5 s. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5000;

/** How the log file tells about itself; the logger says it on the console, the file being the problem. */
export type LogFileReport = (level: "error" | "info", message: string, reason: string) => void;

/**
 * The log file (`var/log/evh.log`) as the stream the logger writes its lines to.
 *
 * `reopen()` closes the file and opens it again, for logrotate's SIGHUP. A
 * write error (ENOSPC, EIO, a removed mount) never stops the agent: the file
 * is closed, lines are dropped here while the console still gets them, and the
 * same `reopen()` runs again after 1 s, 2 s, 4 s, then every 5 s. A reopen
 * after an error first writes one line saying since when the file misses
 * lines; lines logged after it follow it, and the file counts as writable
 * again once it is written.
 */
export class LogFile {
  /** What the logger's transport writes to: it never fails and never waits on a broken file. */
  readonly sink = new Writable({
    decodeStrings: false,
    write: (line: string, _encoding, done) => {
      // While a reopened file's first line is on its way, later lines follow it on the same
      // stream, in order; if that write fails, they are lost with it, as they would be anyway.
      (this.stream ?? this.probing)?.write(line);
      done();
    },
  });
  /** The open file, known to take writes. */
  private stream: WriteStream | undefined;
  /** The file reopened after an error, while its first line is being written. */
  private probing: WriteStream | undefined;
  /** Set while the file cannot be written: since when, and why. */
  private failure: { readonly since: string; readonly reason: string } | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Resolves once the streams a reopen closed are closed, and the sink flows again. */
  private settled: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly report: LogFileReport,
  ) {
    // A log file that cannot be opened at start is an error the admin sees at once.
    this.stream = this.open();
  }

  /** Closes the file and opens it again: on SIGHUP, and to retry after a write error. */
  reopen(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // Lines logged meanwhile wait in the sink until the old stream has flushed and closed:
    // when the file was not moved they stay in order, and none go to a stream being closed.
    this.sink.cork();
    const previous = this.settled;
    const closed = this.closeStreams();
    this.settled = Promise.all([previous, closed]).then(() => this.sink.uncork());
    if (this.stopped) return;
    let stream: WriteStream;
    try {
      stream = this.open();
    } catch (error) {
      this.failed(undefined, error);
      return;
    }
    const failure = this.failure;
    if (!failure) {
      this.stream = stream;
      return;
    }
    this.probing = stream;
    // A write cut short by the error may have left half a line: end it, so the next one parses.
    const cut = endsMidLine(this.file) ? "\n" : "";
    const note = {
      level: "warn",
      message: `log file written again after ${failure.reason}; lines logged since ${failure.since} are on the console only`,
      reason: failure.reason,
      timestamp: new Date().toISOString(),
    };
    stream.write(`${cut}${JSON.stringify(note)}\n`, (error) => {
      if (error || this.probing !== stream) return;
      this.probing = undefined;
      this.failure = undefined;
      this.retryMs = FIRST_RETRY_MS;
      // Said before the file takes lines again: the file has the note already.
      this.report("info", `log file ${this.file} written again`, failure.reason);
      this.stream = stream;
    });
  }

  /** Closes the file once what it was given is written; no retry after this. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.settled;
    await this.closeStreams();
  }

  private open(): WriteStream {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // Opened here rather than by the stream, so that failing to open is known at once.
    const stream = createWriteStream(this.file, { fd: openSync(this.file, "a") });
    stream.on("error", (error) => this.failed(stream, error));
    return stream;
  }

  private closeStreams(): Promise<void> {
    const streams = [this.stream, this.probing].filter((s) => s !== undefined);
    this.stream = undefined;
    this.probing = undefined;
    return Promise.all(streams.map(closeStream)).then(() => undefined);
  }

  /**
   * The file cannot be written (or opened): lines go to the console only
   * until a reopen succeeds. Said once, not at every retry.
   */
  private failed(stream: WriteStream | undefined, error: unknown): void {
    // A stream already closed (SIGHUP, an earlier error) has nothing more to say.
    if (stream && stream !== this.stream && stream !== this.probing) return;
    void this.closeStreams();
    if (this.stopped) return;
    if (!this.failure) {
      const reason = errnoCode(error) ?? (error instanceof Error ? error.message : String(error));
      this.failure = { since: new Date().toISOString(), reason };
      this.report(
        "error",
        `log file ${this.file} cannot be written (${reason}): logging to the console only, trying again every few seconds`,
        reason,
      );
    }
    this.retryTimer = setTimeout(() => this.reopen(), this.retryMs);
    // A retry must not keep a stopping agent alive.
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}

/** Ends a stream, flushing what it holds (unless it failed), and resolves once its descriptor is closed. */
function closeStream(stream: WriteStream): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("close", resolve);
    if (stream.errored) stream.destroy();
    else stream.end();
  });
}

/** Whether the file's last byte is not a newline (a write cut short by an error). */
function endsMidLine(file: string): boolean {
  let fd: number | undefined;
  try {
    // Non-blocking: a FIFO in place of the log must not hang the agent.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size === 0) return false;
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, stat.size - 1) === 1 && last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
