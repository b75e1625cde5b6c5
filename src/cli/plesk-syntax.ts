import { UsageError } from "../errors/evh-error.js";
import { didYouMean, hint } from "../events/did-you-mean.js";
import { type FlagName, type HandlerFields, priorityFlag } from "./handler-text.js";
import { translatePleskCommand } from "./plesk-command.js";

/**
 * The syntax of Plesk's `plesk bin event_handler` utility (SPEC §6): one
 * operation with two dashes, options with one dash and a value each:
 *
 *   --create -event E -priority P -user U -command C [-force]
 *   --update ID [-event E] [-priority P] [-user U] [-command C]
 *   --delete ID | --list | --list-events | --list-users | --help
 *
 * and the short forms of Plesk's command-line utilities (`-c`, `-u`, `-d`,
 * `-l`, `-h`). Either dash count is accepted for every word, as Plesk's own
 * parser does not insist either; `--root DIR` and `--config FILE` are
 * evh's additions. `-command` is translated as Plesk meant it (plesk-command.ts).
 * It maps onto the same create/update/delete/list functions as evh's own
 * commands: this file only translates words.
 */
export type PleskOperation =
  | { readonly op: "create"; readonly fields: CreateFields; readonly force: boolean }
  | { readonly op: "update"; readonly id: string; readonly fields: HandlerFields }
  | { readonly op: "delete"; readonly id: string }
  | { readonly op: "list" }
  | { readonly op: "list-events" }
  | { readonly op: "list-users" }
  | { readonly op: "help" };

type CreateFields = HandlerFields & { readonly event: string; readonly command: string };

export interface PleskCommand {
  readonly operation: PleskOperation;
  readonly root?: string;
  readonly config?: string;
}

/** How options are named in messages about Plesk syntax. */
export const pleskFlag: FlagName = (key) => `-${key}`;

const OPERATIONS = ["create", "update", "delete", "list", "list-events", "list-users", "help"];
const WITH_ID = new Set(["update", "delete"]);
const FIELDS = ["event", "priority", "user", "command"] as const;
const VALUES = new Set<string>([...FIELDS, "root", "config"]);
/** Plesk's short forms of the operations. */
const SHORT: Readonly<Record<string, string>> = {
  c: "create",
  u: "update",
  d: "delete",
  l: "list",
  h: "help",
};
const WORDS = [...OPERATIONS, ...VALUES, "force", ...Object.keys(SHORT)];

export const PLESK_USAGE = `Usage: evh event_handler OPERATION [OPTIONS]   (the syntax of plesk bin event_handler)

Operations:
  --create, -c -event E -command C [-priority P] [-user U] [-force]
                     create a handler; prints its number. A handler with the
                     same event, user and command is not created again: its
                     number is printed (exit 0) unless -force is given
  --update, -u ID [-event E] [-priority P] [-user U] [-command C]
                     change a handler that evh created (ID: its number or evh id)
  --delete, -d ID    remove a handler that evh created
  --list, -l         all handlers, in Plesk's block format with their numbers
  --list-events      the events of the catalogue
  --list-users       the system users a handler may run as
  --help, -h         this text

Options:
  -priority P        0..100 (0 lowest, 25 low, 50 normal, 75 high, 100 highest)
  -command C         as in Plesk: $NEW_X, \${NEW_X} and <new_x> are the event's values
  --root DIR         the evh root (default: $EVH_ROOT, else the current directory)
  --config FILE      config file (default: <root>/evh.yaml)`;

/** Parses the words after `event_handler`; bad usage throws UsageError (exit 2). */
export function parsePleskArgs(args: readonly string[]): PleskCommand {
  let operation: { name: string; id?: string } | undefined;
  const values = new Map<string, string>();
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    if (!token.startsWith("-") || token === "-" || token === "--") {
      throw new UsageError(
        `event_handler: unexpected argument ${JSON.stringify(token)}; quote a command with spaces: -command "..."`,
      );
    }
    const [word = "", inline] = splitInline(token.replace(/^--?/, ""));
    const next = (): string => {
      if (inline !== undefined) return inline;
      const value = args[++i];
      if (value === undefined) throw new UsageError(`event_handler: ${token} needs a value`);
      return value;
    };
    if (Object.hasOwn(SHORT, word) || OPERATIONS.includes(word)) {
      const name = SHORT[word] ?? word;
      if (operation !== undefined) {
        throw new UsageError(
          `event_handler: give one operation, got --${operation.name} and --${name}`,
        );
      }
      if (WITH_ID.has(name)) {
        const id = inline ?? args[i + 1];
        if (id === undefined || id.startsWith("-")) {
          throw new UsageError(`event_handler: --${name} needs a handler id (--${name} ID)`);
        }
        if (inline === undefined) i++;
        operation = { name, id };
      } else {
        operation = { name };
      }
    } else if (VALUES.has(word)) {
      if (values.has(word)) throw new UsageError(`event_handler: -${word} is given twice`);
      values.set(word, next());
    } else if (word === "force") {
      force = true;
    } else {
      const guess = didYouMean(word, WORDS);
      throw new UsageError(
        `event_handler: unknown option ${token}${hint(guess && spelled(guess))}; evh event_handler --help shows the syntax`,
      );
    }
  }
  if (operation === undefined) {
    throw new UsageError(
      "event_handler: give an operation: --create, --update ID, --delete ID, --list, --list-events or --list-users",
    );
  }
  const common = {
    ...(values.has("root") ? { root: values.get("root") } : {}),
    ...(values.has("config") ? { config: values.get("config") } : {}),
  };
  const fields = fieldsOf(values);
  const name = operation.name;
  const given = FIELDS.filter((key) => values.has(key));
  if (name !== "create" && name !== "update" && given.length > 0) {
    throw new UsageError(`event_handler: -${given[0]} is not used with --${name}`);
  }
  if (force && name !== "create") {
    throw new UsageError(`event_handler: -force is used only with --create`);
  }
  switch (name) {
    case "create": {
      for (const key of ["event", "command"] as const) {
        if (fields[key] === undefined) {
          throw new UsageError(
            `event_handler --create needs -${key} ${key === "event" ? "EVENT (e.g. -event client_create)" : 'COMMAND (e.g. -command "/usr/local/bin/sync.sh <new_login_name>")'}`,
          );
        }
      }
      const { event, command } = fields as CreateFields;
      return {
        operation: { op: "create", fields: { ...fields, event, command }, force },
        ...common,
      };
    }
    case "update":
      if (given.length === 0) {
        throw new UsageError(
          "event_handler --update needs at least one of -event, -priority, -user, -command",
        );
      }
      return { operation: { op: "update", id: operation.id as string, fields }, ...common };
    case "delete":
      return { operation: { op: "delete", id: operation.id as string }, ...common };
    default:
      return { operation: { op: name } as PleskOperation, ...common };
  }
}

function fieldsOf(values: ReadonlyMap<string, string>): HandlerFields {
  const priority = values.get("priority");
  return {
    ...(values.has("event") ? { event: values.get("event") } : {}),
    ...(priority === undefined ? {} : { priority: priorityFlag(priority, "-priority") }),
    ...(values.has("user") ? { user: values.get("user") } : {}),
    ...commandFields(values.get("command")),
  };
}

/** `-command` as evh stores it: rewritten as Plesk meant it, the text as given kept when it changed. */
function commandFields(given: string | undefined): HandlerFields {
  if (given === undefined) return {};
  const { command, shell, rewritten } = translatePleskCommand(given);
  return { command, shell, ...(rewritten ? { commandAsGiven: given } : {}) };
}

/** A word as the usage text spells it: `--list`, `--root`, `-event`. */
function spelled(word: string): string {
  return OPERATIONS.includes(word) || word === "root" || word === "config"
    ? `--${word}`
    : `-${word}`;
}

/** `root=/srv/evh` → ["root", "/srv/evh"]; a word without `=` has no inline value. */
function splitInline(word: string): [string, string | undefined] {
  const eq = word.indexOf("=");
  return eq < 0 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
}
