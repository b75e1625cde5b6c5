import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { EvhEvent } from "../events/event.js";
import { closeInheritedDescriptors } from "../execute/inherited-descriptors.js";
import { runWithRetry } from "../execute/run-with-retry.js";
import type { RunRecord } from "../record/outcome.js";
import type { Redactor } from "../record/redact.js";
import type { EventInput } from "./event-input.js";
import type { LoadedHandlers } from "./loaded-handlers.js";
import type { PlannedHandler } from "./test-plan.js";

/**
 * `--exec`: the handlers run now, one after another, through the agent's
 * `runWithRetry`, outside the spool: `EVH_EVENT_FILE` is a private temp copy
 * of the event. SIGINT cancels the run in progress (and the rest).
 */
export class ExecRun {
  private readonly abort = new AbortController();
  private readonly onSignal = () => this.abort.abort();

  private constructor(
    private readonly dir: string,
    readonly eventFile: string,
  ) {
    process.on("SIGINT", this.onSignal);
  }

  static async open(input: EventInput): Promise<ExecRun> {
    // As the agent does: the handlers get stdin, stdout and stderr, nothing of the shell's.
    closeInheritedDescriptors();
    const dir = await mkdtemp(path.join(tmpdir(), "evh-test-"));
    const file = path.join(dir, input.event.file);
    await writeFile(file, input.bytes, { mode: 0o600 });
    return new ExecRun(dir, file);
  }

  async execute(
    planned: PlannedHandler,
    event: EvhEvent,
    loaded: LoadedHandlers,
    extraVars: Readonly<Record<string, string>>,
    redactor: Redactor,
  ): Promise<RunRecord | undefined> {
    if (planned.state === "disabled" || planned.state === "skipped") return undefined;
    let last: RunRecord | undefined;
    await runWithRetry(
      planned.handler,
      event,
      {
        eventFile: this.eventFile,
        agentUser: loaded.agentUser,
        rootLockFile: loaded.rootLockFile,
        extraVars,
        redactor,
        signal: this.abort.signal,
      },
      (record) => {
        last = record;
      },
    );
    return last;
  }

  async close(): Promise<void> {
    process.off("SIGINT", this.onSignal);
    await rm(this.dir, { recursive: true, force: true });
  }
}
