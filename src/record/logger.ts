import { createLogger, format, type Logger, transports } from "winston";
import type { LogLevel } from "../config/config.js";
import { errnoCode } from "../errors/evh-error.js";
import { LogFile } from "./log-file.js";

/** Fields of the console line, in this order, when present. */
const CONSOLE_FIELDS = [
  "event",
  "event_id",
  "handler",
  "attempt",
  "outcome",
  "exit_code",
  "signal",
  "duration_ms",
  "file",
  "reason",
];

/** One readable line for people at a terminal: time, level, message, key fields. */
const consoleLine = format.printf((info) => {
  const fields = CONSOLE_FIELDS.filter((k) => info[k] !== undefined && info[k] !== null)
    .map((k) => `${k}=${formatValue(info[k])}`)
    .join(" ");
  const level = info.level.padEnd(5);
  return `${info.timestamp} ${level} ${info.message}${fields ? ` ${fields}` : ""}`;
});

function formatValue(value: unknown): string {
  const text = String(value);
  return /[\s"=]/.test(text) || text === "" ? JSON.stringify(text) : text;
}

/**
 * The agent's record (SPEC §8): one JSON object a line in the log file, and
 * readable lines on the console. `reopen()` closes and reopens the file, for
 * logrotate's SIGHUP; a file that cannot be written is reopened the same way
 * (see LogFile), the console going on meanwhile.
 */
export class AgentLogger {
  readonly logger: Logger;
  private readonly file:
    | { readonly log: LogFile; readonly transport: transports.StreamTransportInstance }
    | undefined;
  private console: transports.ConsoleTransportInstance | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly logFile: string | undefined,
    level: LogLevel,
    console = true,
  ) {
    this.logger = createLogger({ level, format: format.timestamp(), transports: [] });
    if (console) {
      this.console = new transports.Console({
        format: format.combine(format.timestamp(), consoleLine),
        // Problems on stderr, the rest on stdout, as journald and shells expect.
        stderrLevels: ["error", "warn"],
      });
      this.logger.add(this.console);
      // Without a listener, a write error (EPIPE: `evh run | head`, a closed terminal)
      // is an uncaught exception that would stop the agent.
      process.stdout.on("error", this.consoleFailed);
      process.stderr.on("error", this.consoleFailed);
    }
    if (logFile) {
      const log = new LogFile(logFile, (level, message, reason) =>
        this.logger.log(level, message, { reason }),
      );
      const transport = new transports.Stream({
        stream: log.sink,
        format: format.combine(format.timestamp(), format.json()),
      });
      this.file = { log, transport };
      this.logger.add(transport);
    }
  }

  /** The console is gone: the agent goes on, logging to its file only. */
  private readonly consoleFailed = (error: Error): void => {
    if (!this.console) return;
    this.logger.remove(this.console);
    this.console = undefined;
    const where = this.logFile ? `; logging to ${this.logFile} only` : "";
    this.logger.warn(`console output failed: ${errnoCode(error) ?? error.message}${where}`);
  };

  reopen(): void {
    this.file?.log.reopen();
  }

  /** Flushes and closes every transport. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      process.stdout.off("error", this.consoleFailed);
      process.stderr.off("error", this.consoleFailed);
      const file = this.file;
      await new Promise<void>((resolve) => {
        // The file's transport finishes once the logger has handed it every line.
        if (file) file.transport.once("finish", resolve);
        else this.logger.once("finish", () => setImmediate(resolve));
        this.logger.end();
      });
      await file?.log.close();
    })();
    return this.closing;
  }
}
