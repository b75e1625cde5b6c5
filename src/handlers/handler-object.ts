import type { Handler } from "./handler.js";

/** The fields every handler has: the keys all documents share, and where the document is. */
export type CommonFields = Pick<
  Handler,
  | "id"
  | "file"
  | "line"
  | "fileIndex"
  | "docIndex"
  | "events"
  | "priority"
  | "enabled"
  | "when"
  | "retry"
>;

/** What a handler runs: a command's fields, or a webhook's with their stand-ins. */
export type RunFields = Omit<Handler, keyof CommonFields>;

/**
 * One Handler, every field written out in the same order. Not
 * `{ ...common, ...run }`: V8 gave each object made by such a spread a hidden
 * class of its own, so 10,000 handlers made 10,000 classes (6 MiB kept, and a
 * third of the time spent parsing handler files). Literals of one layout
 * share one class.
 */
export function handlerObject(common: CommonFields, run: RunFields): Handler {
  const handler: { -readonly [K in keyof Handler]: Handler[K] } = {
    id: common.id,
    file: common.file,
    line: common.line,
    fileIndex: common.fileIndex,
    docIndex: common.docIndex,
    events: common.events,
    priority: common.priority,
    enabled: common.enabled,
    when: common.when,
    retry: common.retry,
    userName: run.userName,
    user: run.user,
    argv: run.argv,
    commandText: run.commandText,
    shell: run.shell,
    timeoutMs: run.timeoutMs,
    env: run.env,
    stdin: run.stdin,
    encoding: run.encoding,
    cwd: run.cwd,
  };
  // Added, not spread: a property added to objects of one class leads them all to the same next one.
  if (run.webhook !== undefined) handler.webhook = run.webhook;
  return handler;
}
