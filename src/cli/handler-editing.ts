import { existsSync, readFileSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import type { EvhConfig } from "../config/config.js";
import { DuplicateHandlerError, errnoCode, HandlerNotFoundError } from "../errors/evh-error.js";
import { didYouMean, hint } from "../events/did-you-mean.js";
import type { Handler } from "../handlers/handler.js";
import { createLoadContext } from "../handlers/load-context.js";
import { removeHandlerFile, writeHandlerFile } from "../handlers/write-handler-file.js";
import type { SystemUser } from "../system/system-users.js";
import { CommandError } from "./cli-error.js";
import {
  checkHandlerText,
  documentId,
  type FlagName,
  type HandlerFields,
  handlerDocuments,
  newHandlerText,
  updatedHandlerText,
} from "./handler-text.js";
import { type LoadedHandlers, loadHandlers } from "./loaded-handlers.js";
import { displayPath } from "./output.js";
import { changePleskIds } from "./plesk-id-file.js";
import { retireHandler } from "./plesk-ids.js";

/** What `create` and `update` did. */
export interface EditResult {
  readonly id: string;
  readonly file: string;
  /** The parser's warnings (an event id not in the catalogue, ...). */
  readonly warnings: readonly string[];
}

export interface CreateOptions {
  /** @defaultValue `<event>-<n>`, the first n whose id and file are free */
  readonly id?: string | undefined;
  /** Allow a duplicate (same event, user, command) and replace an evh-written file of the same id. */
  readonly force: boolean;
  readonly flag: FlagName;
}

/**
 * `evh create` (and `event_handler --create`): writes `handlers.d/<id>.yaml`
 * after the agent's parser accepted it. Refuses an id that is taken and,
 * unless forced, a second handler with the same event, user and command
 * (SPEC §6: Plesk allows those duplicates; provisioning scripts rely on not
 * getting them).
 */
export async function createHandler(
  config: EvhConfig,
  fields: HandlerFields & { event: string; command: string },
  options: CreateOptions,
): Promise<EditResult> {
  const loaded = loadHandlers(config);
  refuseOpenDirectory(config, loaded);
  const id = options.id ?? defaultId(config, loaded, fields.event);
  const flagged = new Set(["id", ...Object.keys(fields)]);
  const label = path.join(config.handlersDir, `${id}.yaml`);
  const text = newHandlerText(id, fields);
  const checked = checkHandlerText(text, label, contextFor(config, loaded), flagged, options.flag);
  // The parser accepted the id: no `/`, no leading `.`; the file is inside handlers.d/.
  const file = label;
  const replacing = options.force && replaceable(loaded, id, file);
  if (!replacing) refuseTaken(config, loaded, id, file, options);
  const duplicate = loaded.registry
    .all()
    .find((h) => h.id !== id && sameHandler(h, checked.handler, loaded.agentUser));
  if (duplicate !== undefined && !options.force) {
    throw new DuplicateHandlerError(
      `handler "${duplicate.id}" (${displayPath(duplicate.file)}:${duplicate.line}) already runs this command for this event and user; ${options.flag("force")} creates another one`,
      { id: duplicate.id, file: duplicate.file, line: duplicate.line },
    );
  }
  // A number left for this id by a handler removed by hand is not this new handler's.
  if (!replacing)
    await changePleskIds(config.varDir, (s) => retireHandler(s, id), { create: false });
  try {
    await writeHandlerFile(file, text, { replace: replacing });
  } catch (error) {
    if (errnoCode(error) !== "EEXIST") throw error;
    throw new CommandError(`${displayPath(file)} appeared meanwhile; choose another id`);
  }
  return { id, file, warnings: checked.warnings };
}

/** `evh update`: sets the given keys in an evh-written handler file; the rest of it is kept. */
export async function updateHandler(
  config: EvhConfig,
  id: string,
  fields: HandlerFields,
  flag: FlagName,
): Promise<EditResult> {
  const loaded = loadHandlers(config);
  refuseOpenDirectory(config, loaded);
  const { file, text } = locateEditable(config, loaded, id, "update");
  const updated = updatedHandlerText(text, fields);
  const flagged = new Set(Object.keys(fields));
  const checked = checkHandlerText(updated, file, contextFor(config, loaded), flagged, flag);
  await writeHandlerFile(file, updated, { replace: true });
  return { id, file, warnings: checked.warnings };
}

/** `evh delete`: removes an evh-written handler file. */
export async function deleteHandler(config: EvhConfig, id: string): Promise<{ file: string }> {
  const loaded = loadHandlers(config);
  const { file } = locateEditable(config, loaded, id, "delete");
  await removeHandlerFile(file);
  // Its Plesk-syntax number is retired now, so a handler created later under the same id gets a new one.
  await changePleskIds(config.varDir, (s) => retireHandler(s, id), { create: false });
  return { file };
}

/**
 * As root the agent refuses every file of a handlers.d/ that group or others
 * can write, or that someone other than root owns (SPEC §3): a file written
 * there would never run. The loader says so only about files that exist, so
 * an empty directory is checked here.
 */
function refuseOpenDirectory(config: EvhConfig, loaded: LoadedHandlers): void {
  if (loaded.agentUser.uid !== 0) return;
  let stats: Stats;
  try {
    stats = statSync(config.handlersDir);
  } catch {
    return; // created by the write, 0755
  }
  const dir = displayPath(config.handlersDir);
  if (stats.uid !== 0) {
    throw new CommandError(
      `${dir} is owned by uid ${stats.uid}, not root, so the agent (as root) refuses every handler file in it; fix: chown root ${config.handlersDir}`,
    );
  }
  if ((stats.mode & 0o022) === 0) return;
  throw new CommandError(
    `${dir} is writable by group or others, so the agent (as root) refuses every handler file in it; fix: chmod go-w ${config.handlersDir}`,
  );
}

/** The context the agent loads with (HandlerStore's): same users, programs, root, catalogue. */
function contextFor(config: EvhConfig, loaded: LoadedHandlers) {
  return createLoadContext(loaded.agentUser, {
    baseDir: config.root,
    redactFragments: config.redact,
  });
}

/**
 * The file behind an id that `update`/`delete` may rewrite: `handlers.d/<id>.yaml`
 * holding that one handler, as `evh create` writes it. Anything else is the
 * administrator's file, to be edited by hand.
 */
function locateEditable(
  config: EvhConfig,
  loaded: LoadedHandlers,
  id: string,
  verb: "update" | "delete",
): { file: string; text: string } {
  const file = path.join(config.handlersDir, `${id}.yaml`);
  const safe = !id.startsWith(".") && path.dirname(file) === config.handlersDir;
  const handler = loaded.registry.get(id);
  if (handler !== undefined && (!safe || handler.file !== file)) {
    throw new CommandError(
      `handler "${id}" is defined in ${displayPath(handler.file)}:${handler.line}, not in a file written by evh create; to ${verb} it, edit ${displayPath(handler.file)} by hand`,
    );
  }
  if (!safe || !existsSync(file)) {
    const guess = didYouMean(
      id,
      loaded.registry.all().map((h) => h.id),
    );
    throw new HandlerNotFoundError(
      `no handler with id "${id}" in ${displayPath(config.handlersDir)}${hint(guess)}; evh list shows the ids`,
    );
  }
  const text = readFileSync(file, "utf8");
  const count = handlerDocuments(text).length;
  if (count !== 1) {
    throw new CommandError(
      `${displayPath(file)} holds ${count} handler documents; evh ${verb} changes only files with one handler, as evh create writes them: edit it by hand`,
    );
  }
  const own = documentId(text) ?? id;
  if (own !== id) {
    throw new CommandError(
      `${displayPath(file)} defines handler "${own}", not "${id}"; edit it by hand`,
    );
  }
  return { file, text };
}

/** Whether `--force` may replace the existing file of this id: it is evh's own kind of file. */
function replaceable(loaded: LoadedHandlers, id: string, file: string): boolean {
  const handler = loaded.registry.get(id);
  if (handler !== undefined && handler.file !== file) return false;
  if (!existsSync(file)) return false;
  const text = readFileSync(file, "utf8");
  return handlerDocuments(text).length === 1 && (documentId(text) ?? id) === id;
}

function refuseTaken(
  config: EvhConfig,
  loaded: LoadedHandlers,
  id: string,
  file: string,
  options: CreateOptions,
): void {
  const handler = loaded.registry.get(id);
  const force = options.force ? "" : ` (or ${options.flag("force")} to replace it)`;
  if (handler !== undefined) {
    const replace = handler.file === file ? force : "";
    throw new CommandError(
      `handler id "${id}" is taken: defined in ${displayPath(handler.file)}:${handler.line}; choose another ${options.flag("id")}${replace}`,
    );
  }
  for (const taken of [file, path.join(config.handlersDir, `${id}.yml`)]) {
    if (existsSync(taken)) {
      throw new CommandError(
        `${displayPath(taken)} exists already (evh validate shows whether it loads); choose another ${options.flag("id")}${taken === file ? force : ""}`,
      );
    }
  }
}

/** `<event>-<n>` with the first n that names neither a handler nor a file. */
function defaultId(config: EvhConfig, loaded: LoadedHandlers, event: string): string {
  const base =
    event
      .replaceAll("*", "any")
      .replace(/[^A-Za-z0-9_.-]+/g, "_")
      .replace(/^[^A-Za-z0-9_]+/, "")
      .slice(0, 100) || "handler";
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    const free =
      loaded.registry.get(id) === undefined &&
      !existsSync(path.join(config.handlersDir, `${id}.yaml`)) &&
      !existsSync(path.join(config.handlersDir, `${id}.yml`));
    if (free) return id;
  }
}

/** Same event(s), same effective user, same command: what Plesk's scripts call a duplicate. */
function sameHandler(a: Handler, b: Handler, agentUser: SystemUser): boolean {
  const events = (h: Handler) => [...new Set(h.events)].sort().join("\n");
  return (
    events(a) === events(b) &&
    (a.user ?? agentUser).uid === (b.user ?? agentUser).uid &&
    a.shell === b.shell &&
    a.argv.length === b.argv.length &&
    a.argv.every((item, i) => item === b.argv[i])
  );
}
