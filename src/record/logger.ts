import { fstatSync } from "node:fs";
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

/** syslog priorities (sd-daemon(3)) by winston level, for lines the journal reads. */
const JOURNAL_PRIORITY: Readonly<Record<string, number>> = { error: 3, warn: 4, info: 6, debug: 7 };

/**
 * One readable line: time, level, message, key fields. For the journal
 * (SPEC §8) the line starts with its priority instead of a time, which the
 * journal adds itself.
 */
function consoleLine(journal: boolean) {
  return format.printf((info) => {
    const fields = CONSOLE_FIELDS.filter((k) => info[k] !== undefined && info[k] !== null)
      .map((k) => `${k}=${formatValue(info[k])}`)
      .join(" ");
    const text = `${info.message}${fields ? ` ${fields}` : ""}`;
    if (journal) return `<${JOURNAL_PRIORITY[info.level] ?? 6}>${text}`;
    return `${info.timestamp} ${info.level.padEnd(5)} ${text}`;
  });
}

/**
 * Whether stdout or stderr is the journal: systemd sets `$JOURNAL_STREAM` to
 * that stream's `device:inode`. Compared, as systemd.exec(5) advises, so a
 * child that inherited the variable but writes elsewhere keeps plain lines.
 */
export function consoleIsJournal(env: NodeJS.ProcessEnv = process.env): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  return [1, 2].some((fd) => {
    try {
      const stats = fstatSync(fd);
      return `${stats.dev}:${stats.ino}` === stream;
    } catch {
      return false;
    }
  });
}

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
        format: format.combine(format.timestamp(), consoleLine(consoleIsJournal())),
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

  /** SIGHUP (logrotate): the new file's first line says so, and so does the console. */
  reopen(): void {
    if (!this.file) return;
    this.file.log.reopen();
    this.logger.info(`log file ${this.logFile} reopened`);
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
