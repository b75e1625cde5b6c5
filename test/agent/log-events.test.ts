import { afterEach, describe, expect, it } from "vitest";
import { logRejection, logReload } from "../../src/agent/log-events.js";
import { EventDecodeError } from "../../src/errors/evh-error.js";
import { AgentLogger } from "../../src/record/logger.js";
import { readLog } from "../helpers/agent-log.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

/** Logs through the agent's real logger into a temp file; returns level and message of each line. */
async function logged(write: (log: AgentLogger) => void) {
  root = makeTempRoot();
  const file = root.path("var", "log", "evh.log");
  const log = new AgentLogger(file, "debug", false);
  write(log);
  await log.close();
  return readLog(file).map(({ level, message, file, reason }) => ({
    level,
    message,
    file,
    reason,
  }));
}

describe("reload and rejection log lines", () => {
  it("a reload: each diagnostic with its file relative to the root, then the summary", async () => {
    const lines = await logged((log) =>
      logReload(log.logger, "/srv/evh", "change", {
        diagnostics: [
          {
            file: "/srv/evh/handlers.d/crm.yaml",
            line: 4,
            severity: "error",
            message: "priority must be 0..100",
          },
          { file: "/elsewhere/x.yaml", line: 1, severity: "warning", message: "unused key" },
        ],
        keptLastGood: ["/srv/evh/handlers.d/crm.yaml"],
        failed: [],
        removed: [],
        handlers: 3,
      }),
    );
    expect(lines).toEqual([
      {
        level: "error",
        message: "handlers.d/crm.yaml:4: priority must be 0..100",
        file: "/srv/evh/handlers.d/crm.yaml",
      },
      { level: "warn", message: "../../elsewhere/x.yaml:1: unused key", file: "/elsewhere/x.yaml" },
      {
        level: "info",
        message:
          "handlers reloaded after a change in handlers.d: 3 active; last good version kept for handlers.d/crm.yaml",
      },
    ]);
  });

  it("a rejection: quarantined, removed, or nothing when the file was gone", async () => {
    const error = new EventDecodeError("unsupported file type", "event files end in .json");
    const lines = await logged((log) => {
      logRejection(log.logger, "a.txt", error, { placed: "a.txt", sidecar: true });
      logRejection(log.logger, "b.txt", error, { removed: true, because: "EXDEV" });
      logRejection(log.logger, "c.txt", error, { gone: true });
    });
    expect(lines).toEqual([
      {
        level: "warn",
        message: "quarantined a.txt: unsupported file type: event files end in .json",
        file: "a.txt",
        reason: "unsupported file type",
      },
      {
        level: "error",
        message: "removed b.txt (could not move it to failed/: EXDEV): unsupported file type",
        file: "b.txt",
        reason: "unsupported file type",
      },
    ]);
  });
});
