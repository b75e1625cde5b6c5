import { type Command, Option } from "commander";
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
    .addOption(new Option("--state <state>", "only one folder").choices(QUEUE_STATES))
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

/** The folders to list; commander has checked `--state` against the choices. */
function statesOf(state: string | undefined): readonly QueueState[] {
  return state === undefined ? QUEUE_STATES : QUEUE_STATES.filter((s) => s === state);
}
