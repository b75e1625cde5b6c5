import path from "node:path";
import type { EvhConfig } from "../config/config.js";
import { EventDecodeError, errnoCode, toError, UsageError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import { decodeEventFile } from "../events/decode-event-file.js";
import type { EvhEvent } from "../events/event.js";
import { eventFileFormat } from "../events/event-file-name.js";
import { spoolFileName } from "../spool/emit-event.js";
import { readEventBytes } from "../spool/read-event-bytes.js";
import { readStdin } from "./read-stdin.js";

/** An event given on the command line, checked by the agent's own decoder. */
export interface EventInput {
  /** The exact bytes that were validated: what `emit` spools and `test --exec` passes on. */
  readonly bytes: Buffer;
  /** `.json`, `.yaml` or `.yml`: decides how the agent parses the bytes. */
  readonly ext: string;
  readonly event: EvhEvent;
}

/** `NAME=VALUE` words → params; the value may hold `=` and be empty. */
export function parseParamArgs(words: readonly string[]): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `expected a param as NAME=VALUE (e.g. NEW_LOGIN_NAME=jdoe), got ${JSON.stringify(word)}`,
      );
    }
    const name = word.slice(0, eq);
    if (Object.hasOwn(params, name)) throw new UsageError(`param ${name} is given twice`);
    params[name] = word.slice(eq + 1);
  }
  return params;
}

/**
 * The event of `evh emit/test EVENT NAME=VALUE...`: built as the JSON the
 * agent will read, then run through `decodeEventFile` so that whatever the
 * agent would quarantine is refused here, with the decoder's reason.
 */
export function eventFromArgs(
  config: EvhConfig,
  event: string,
  paramWords: readonly string[],
  fields: { id?: string | undefined; key?: string | undefined },
): EventInput {
  const body: Record<string, unknown> = { event };
  if (fields.id !== undefined) body.id = fields.id;
  if (fields.key !== undefined) body.key = fields.key;
  body.params = parseParamArgs(paramWords);
  const bytes = Buffer.from(`${JSON.stringify(body)}\n`);
  return {
    bytes,
    ext: ".json",
    event: decode(config, bytes, spoolFileName(), "invalid event", false),
  };
}

/**
 * The event of `--file F`: a prepared .json/.yaml/.yml file, checked the same
 * way. Read as the agent reads the spool (SPEC §2): a regular file only,
 * never blocking on a FIFO, and no more than the size limit. `--file -`
 * reads standard input: JSON when it starts with `{`, else YAML.
 */
export async function eventFromFile(config: EvhConfig, file: string): Promise<EventInput> {
  if (file === "-") {
    const bytes = await readStdin(config.maxEventBytes, "--file -");
    const ext = /^(\uFEFF)?\s*\{/.test(bytes.subarray(0, 64).toString("utf8")) ? ".json" : ".yaml";
    return { bytes, ext, event: decode(config, bytes, `stdin${ext}`, "--file -", true) };
  }
  const name = path.basename(file);
  const format = eventFileFormat(name);
  if (format === undefined) {
    throw new UsageError(
      `--file ${file}: event files end in .json, .yaml or .yml (the agent parses them by their extension)`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = (await readEventBytes(file, config.maxEventBytes)).bytes;
  } catch (error) {
    const why =
      error instanceof EventDecodeError
        ? error.reason
        : errnoCode(error) === "ENOENT"
          ? "no such file"
          : toError(error).message;
    throw new UsageError(`--file ${file}: cannot read it: ${why}`);
  }
  const ext = format === "json" ? ".json" : name.endsWith(".yml") ? ".yml" : ".yaml";
  return { bytes, ext, event: decode(config, bytes, name, `--file ${file}`, true) };
}

/**
 * The params of the command line plus, with `--params -`, the `NAME=VALUE`
 * lines of standard input: passwords stay off the command line (SPEC §2).
 */
export async function paramsWithStdin(
  config: EvhConfig,
  params: readonly string[],
  source: string | undefined,
): Promise<string[]> {
  if (source === undefined) return [...params];
  if (source !== "-") {
    throw new UsageError(
      `--params takes - (NAME=VALUE lines on standard input), got ${JSON.stringify(source)}`,
    );
  }
  return [...params, ...(await paramLinesFromStdin(config))];
}

/** `--params -`: `NAME=VALUE` lines on standard input (blank lines skipped), bounded. */
async function paramLinesFromStdin(config: EvhConfig): Promise<string[]> {
  const text = (await readStdin(config.maxEventBytes, "--params -")).toString("utf8");
  return text
    .split("\n")
    .map((line) => line.replace(/\r$/, ""))
    .filter((line) => line !== "");
}

/** `withDetail`: say how the file was read (format, encoding): news for a file, noise for flags. */
function decode(
  config: EvhConfig,
  bytes: Buffer,
  fileName: string,
  what: string,
  withDetail: boolean,
): EvhEvent {
  try {
    return decodeEventFile(bytes, { fileName, mtime: new Date(), maxBytes: config.maxEventBytes });
  } catch (error) {
    if (!(error instanceof EventDecodeError)) throw error;
    const detail = withDetail && error.detail ? ` (${error.detail})` : "";
    throw new UsageError(`${what}: ${error.reason}${detail}`, { cause: error });
  }
}

/**
 * What the catalogue has to say about an event that is valid but perhaps not
 * what was meant (SPEC §2): an unknown id, with a "did you mean"; required
 * params it lacks. The agent runs such events all the same.
 */
export function eventWarnings(event: EvhEvent): string[] {
  const catalogue = getCatalogue();
  if (catalogue.find(event.event) === undefined) {
    const guess = catalogue.suggest(event.event);
    const hint = guess === undefined ? "" : ` (did you mean "${guess}"?)`;
    return [
      `event "${event.event}" is not in the catalogue of known events${hint}; evh list-events shows them`,
    ];
  }
  const missing = catalogue
    .requiredParams(event.event)
    .filter((name) => !Object.hasOwn(event.params, name));
  if (missing.length === 0) return [];
  return [
    `event ${event.event} lacks required params ${missing.join(", ")} (evh list-params ${event.event} shows them); handlers run anyway`,
  ];
}
