import type { Command } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import { QUEUE_STATES, type QueueState, queueEntries } from "../../spool/queue-entries.js";
import { Spool } from "../../spool/spool.js";
import { ageText } from "../age-text.js";
import { formatTable, say, sayJson } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";
import { show } from "../test-output.js";

interface QueueOptions extends CommonOptions {
  state?: string;
  json?: boolean;
}

/** `evh queue`: the events in new/, cur/ and failed/, one a line (Postfix's `postqueue -p`). */
export function registerQueue(program: Command, done: Done): void {
  withCommon(program.command("queue"))
    .description(
      "the events in new/, cur/ and failed/, one a line: name, event, subject, age, state, reason",
    )
    .option("--state <state>", `only one folder: ${QUEUE_STATES.join(", ")}`)
    .option("--json", "machine-readable output")
    .action((options: QueueOptions) => done(queue(options)));
}

async function queue(options: QueueOptions): Promise<number> {
  const states = statesOf(options.state);
  const config = configFor(options);
  const spool = new Spool(config.spoolDir, config.producerGroup);
  spool.checkTrust();
  const entries = await queueEntries(spool, states, config.maxEventBytes);
  if (options.json) {
    sayJson({ events: entries });
    return 0;
  }
  if (entries.length === 0) return 0;
  const cell = (value: string | null) => (value === null ? "-" : show(value));
  say(
    formatTable(
      ["NAME", "EVENT", "SUBJECT", "AGE", "STATE", "REASON"],
      entries.map((e) => [
        show(e.name),
        cell(e.event),
        cell(e.subject),
        ageText(e.age_s),
        e.state,
        e.reason === null ? "" : show(e.reason),
      ]),
    ),
  );
  return 0;
}

function statesOf(state: string | undefined): readonly QueueState[] {
  if (state === undefined) return QUEUE_STATES;
  const found = QUEUE_STATES.find((s) => s === state);
  if (found === undefined) {
    throw new UsageError(
      `--state must be one of ${QUEUE_STATES.join(", ")}, got ${JSON.stringify(state)}`,
    );
  }
  return [found];
}
