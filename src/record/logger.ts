import { mkdirSync } from "node:fs";
import path from "node:path";
import { createLogger, format, type Logger, transports } from "winston";
import type { LogLevel } from "../config/config.js";
import { errnoCode } from "../errors/evh-error.js";

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
 * logrotate's SIGHUP.
 */
export class AgentLogger {
  readonly logger: Logger;
  private file: transports.FileTransportInstance | undefined;
  private console: transports.ConsoleTransportInstance | undefined;

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
    this.openFile();
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
    if (this.file) {
      this.logger.remove(this.file);
      this.file.close?.();
    }
    this.openFile();
  }

  /** Flushes and closes every transport. */
  close(): Promise<void> {
    process.stdout.off("error", this.consoleFailed);
    process.stderr.off("error", this.consoleFailed);
    return new Promise((resolve) => {
      this.logger.on("finish", () => setImmediate(resolve));
      this.logger.end();
    });
  }

  private openFile(): void {
    if (!this.logFile) return;
    mkdirSync(path.dirname(this.logFile), { recursive: true, mode: 0o700 });
    this.file = new transports.File({
      filename: this.logFile,
      format: format.combine(format.timestamp(), format.json()),
    });
    this.logger.add(this.file);
  }
}
