import type { Command } from "commander";

/** A command's registration: defines its options and reports its exit status through `done`. */
export type Register = (program: Command, done: (status: Promise<number>) => void) => void;

/**
 * Every command, in the order `evh --help` lists them. Loaded on demand: a
 * command pulls in only what it uses (`evh list` needs no process runner,
 * `evh emit` no handler loader), which keeps short commands quick.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  run: async () => (await import("./commands/run.js")).registerRun,
  emit: async () => (await import("./commands/emit.js")).registerEmit,
  create: async () => (await import("./commands/create.js")).registerCreate,
  update: async () => (await import("./commands/update.js")).registerUpdate,
  delete: async () => (await import("./commands/delete.js")).registerDelete,
  list: async () => (await import("./commands/list.js")).registerList,
  "list-events": async () => (await import("./commands/list-events.js")).registerListEvents,
  "list-params": async () => (await import("./commands/list-params.js")).registerListParams,
  "list-users": async () => (await import("./commands/list-users.js")).registerListUsers,
  validate: async () => (await import("./commands/validate.js")).registerValidate,
  test: async () => (await import("./commands/test.js")).registerTest,
  status: async () => (await import("./commands/status.js")).registerStatus,
  retry: async () => (await import("./commands/retry.js")).registerRetry,
  queue: async () => (await import("./commands/queue.js")).registerQueue,
  show: async () => (await import("./commands/show.js")).registerShow,
  purge: async () => (await import("./commands/purge.js")).registerPurge,
  init: async () => (await import("./commands/init.js")).registerInit,
  config: async () => (await import("./commands/config.js")).registerConfig,
  completion: async () => (await import("./commands/completion.js")).registerCompletion,
  event_handler: async () => (await import("./commands/event-handler.js")).registerEventHandler,
  plesk: async () => (await import("./commands/plesk.js")).registerPlesk,
};

/** Every command registered on `program`: for help, typos and shell completion. */
export async function registerAll(
  program: Command,
  done: (status: Promise<number>) => void,
): Promise<void> {
  for (const load of Object.values(COMMANDS)) (await load())(program, done);
}
