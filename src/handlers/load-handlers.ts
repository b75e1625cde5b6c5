import { readdirSync, type Stats, statSync } from "node:fs";
import path from "node:path";
import { errnoCode, toError } from "../errors/evh-error.js";
import type { Diagnostic, Handler } from "./handler.js";
import { type LoadContext, withLoadCache } from "./load-context.js";
import { parseHandlerFile } from "./parse-handler-file.js";
import { modeText, readHandlerFile } from "./read-handler-file.js";

/**
 * - `loaded`: read and valid; its handlers are active.
 * - `retained`: failed to load now; the handlers of its last good load stay active (SPEC §3).
 * - `failed`: failed to load, and never loaded before: nothing from it is active.
 */
export type FileStatus = "loaded" | "retained" | "failed";

export interface FileState {
  /** Absolute path. */
  readonly file: string;
  readonly status: FileStatus;
  /** The handlers active from this file: this load's, or the last good ones when retained. */
  readonly handlers: readonly Handler[];
  /** This load's diagnostics for the file. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadResult {
  /** Active handlers, in file order then document order. */
  readonly handlers: readonly Handler[];
  /** Every diagnostic, in file order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Per file, keyed by absolute path, in load order. */
  readonly files: ReadonlyMap<string, FileState>;
}

/** Handler files: `*.yaml` and `*.yml`; hidden names (editor locks, `.#x.yaml`) are not. */
export function isHandlerFileName(name: string): boolean {
  return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml"));
}

/**
 * Loads handlers.d/: files in byte order of their names, each parsed whole.
 *
 * A file "fails to load" when it has any error (unreadable, refused, a YAML
 * syntax error, any invalid document, an id already taken by an earlier
 * file): the file is the unit an administrator edits and saves, so it is
 * applied whole or not at all, never half of an edit. With `previous` (the
 * last load's files), a failed file keeps the handlers it had (SPEC §3).
 */
export function loadHandlerDir(
  dir: string,
  context: LoadContext,
  previous?: ReadonlyMap<string, FileState>,
): LoadResult {
  const ctx = withLoadCache(context);
  const root = path.resolve(dir);
  const listing = listHandlerFiles(root);
  if ("error" in listing) {
    // Cannot even list: every known file keeps what it had.
    const files = new Map<string, FileState>();
    for (const state of previous?.values() ?? []) {
      files.set(state.file, { ...state, status: retainedStatus(state), diagnostics: [] });
    }
    return {
      handlers: [...files.values()].flatMap((s) => s.handlers),
      diagnostics: [listing.error],
      files,
    };
  }
  const diagnostics: Diagnostic[] = listing.missing
    ? [warning(root, `handlers directory ${root} does not exist; no handlers loaded`)]
    : [];
  const dirRefusal = ctx.agentIsRoot
    ? directoryProblem(root, (uid) => ctx.lookupUser(String(uid))?.name)
    : undefined;
  const parsed = listing.names.map((name, fileIndex) => {
    const file = path.join(root, name);
    const fresh = dirRefusal
      ? { handlers: [], diagnostics: [error(file, dirRefusal)] }
      : loadFile(file, fileIndex, ctx);
    return { file, fileIndex, fresh };
  });
  const reserved = establishedIds(parsed, previous);
  const files = new Map<string, FileState>();
  const owners = new Map<string, Handler>();
  for (const { file, fileIndex, fresh } of parsed) {
    if (fresh === undefined) continue;
    if ("ignored" in fresh) {
      diagnostics.push(fresh.ignored);
      continue;
    }
    const state = settle(file, fileIndex, fresh, previous?.get(file), owners, reserved);
    for (const handler of state.handlers) owners.set(handler.id, handler);
    files.set(file, state);
    diagnostics.push(...state.diagnostics);
  }
  return { handlers: [...files.values()].flatMap((s) => s.handlers), diagnostics, files };
}

/**
 * Ids a file held at the last load and still defines (or keeps, when it now
 * fails): a reload never hands such an id to another file, whatever the
 * name order, so adding a file cannot take a working handler's place. At
 * the first load (and in `evh validate`) nothing is held: the earlier file
 * in name order owns an id.
 */
function establishedIds(
  parsed: readonly { file: string; fresh: Parsed | { ignored: Diagnostic } | undefined }[],
  previous: ReadonlyMap<string, FileState> | undefined,
): Map<string, Handler> {
  const held = new Map<string, Handler>();
  for (const { file, fresh } of parsed) {
    if (fresh === undefined || "ignored" in fresh) continue;
    const before = previous?.get(file)?.handlers ?? [];
    const broken = fresh.diagnostics.some(isError);
    for (const handler of before) {
      const now = fresh.handlers.find((h) => h.id === handler.id);
      if (now !== undefined) held.set(handler.id, now);
      else if (broken) held.set(handler.id, handler);
    }
  }
  return held;
}

/** What a file contributes: its fresh handlers, or when it failed, its last good ones. */
function settle(
  file: string,
  fileIndex: number,
  fresh: Parsed,
  previous: FileState | undefined,
  owners: ReadonlyMap<string, Handler>,
  reserved: ReadonlyMap<string, Handler>,
): FileState {
  const diagnostics = [...fresh.diagnostics];
  if (!diagnostics.some(isError))
    diagnostics.push(...duplicateIds(fresh.handlers, owners, reserved));
  if (!diagnostics.some(isError)) {
    return { file, status: "loaded", handlers: fresh.handlers, diagnostics };
  }
  const kept = reindex(previous?.handlers ?? [], fileIndex);
  const handlers = keepUnclaimed(kept, owners, diagnostics);
  if (handlers.length === 0) return { file, status: "failed", handlers, diagnostics };
  diagnostics.push(
    warning(
      file,
      `the file failed to load; ${handlers.length === 1 ? "the handler" : `the ${handlers.length} handlers`} of its last good version stay active until it loads again`,
    ),
  );
  return { file, status: "retained", handlers, diagnostics };
}

function retainedStatus(state: FileState): FileStatus {
  return state.handlers.length > 0 ? "retained" : "failed";
}

interface Parsed {
  readonly handlers: Handler[];
  readonly diagnostics: Diagnostic[];
}

/**
 * One file read and parsed; `ignored` when it is not a file (a directory
 * named x.yaml), undefined when it vanished since the listing.
 */
function loadFile(
  file: string,
  fileIndex: number,
  ctx: LoadContext,
): Parsed | { ignored: Diagnostic } | undefined {
  const read = readHandlerFile(file, {
    maxBytes: ctx.maxFileBytes,
    requireRootOwned: ctx.agentIsRoot,
    userName: (uid) => ctx.lookupUser(String(uid))?.name,
  });
  switch (read.kind) {
    case "gone":
      return undefined;
    case "ignored":
      return { ignored: warning(file, read.message) };
    case "error":
      return { handlers: [], diagnostics: [error(file, read.message, read.line)] };
    case "text":
      return parseHandlerFile(read.text, file, fileIndex, ctx);
  }
}

/** An id that an earlier file holds, or another file held at the last load, is an error on this file. */
function duplicateIds(
  handlers: readonly Handler[],
  owners: ReadonlyMap<string, Handler>,
  reserved: ReadonlyMap<string, Handler>,
): Diagnostic[] {
  return handlers.flatMap((handler) => {
    const held = reserved.get(handler.id);
    const owner = owners.get(handler.id) ?? (held?.file === handler.file ? undefined : held);
    if (owner === undefined) return [];
    const where = `${owner.file}:${owner.line}`;
    const message = `duplicate handler id ${JSON.stringify(handler.id)}: already defined in ${where}`;
    return [error(handler.file, message, handler.line)];
  });
}

/** Last good handlers whose id an earlier file now defines cannot stay: two handlers would share it. */
function keepUnclaimed(
  kept: readonly Handler[],
  owners: ReadonlyMap<string, Handler>,
  diagnostics: Diagnostic[],
): Handler[] {
  const clash = kept.find((h) => owners.has(h.id));
  if (clash === undefined) return [...kept];
  diagnostics.push(
    warning(
      clash.file,
      `its last good version is dropped too: handler id ${JSON.stringify(clash.id)} is now defined in ${owners.get(clash.id)?.file}`,
      clash.line,
    ),
  );
  return [];
}

function reindex(handlers: readonly Handler[], fileIndex: number): Handler[] {
  return handlers.map((h) => (h.fileIndex === fileIndex ? h : { ...h, fileIndex }));
}

type Listing = { names: string[]; missing: boolean } | { error: Diagnostic };

/** Handler file names in byte order (not locale order: `B` sorts before `a`, as `ls` in C locale). */
function listHandlerFiles(dir: string): Listing {
  try {
    return { names: inByteOrder(readdirSync(dir).filter(isHandlerFileName)), missing: false };
  } catch (thrown) {
    if (errnoCode(thrown) === "ENOENT") return { names: [], missing: true };
    return { error: error(dir, `cannot list the handlers directory: ${toError(thrown).message}`) };
  }
}

/**
 * Sorts names by the bytes of their UTF-8. Without surrogates (characters
 * beyond U+FFFF) that is the order of their UTF-16 code units, JavaScript's
 * own sort; a Buffer per comparison instead cost 0.1 s for 10,000 names in
 * the hashed order ext4 lists them in.
 */
export function inByteOrder(names: string[]): string[] {
  if (!names.some((name) => SURROGATE.test(name))) return names.sort();
  const keyed = names.map((name) => ({ name, bytes: Buffer.from(name) }));
  keyed.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return keyed.map((k) => k.name);
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A handlers directory that someone other than root owns or can write lets
 * them add, hide or replace files (the owner can chmod it at will): nothing
 * in it is trusted.
 */
function directoryProblem(
  dir: string,
  userName: (uid: number) => string | undefined,
): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch {
    return undefined;
  }
  const why = "as root, evh loads only handler files that nobody but root can change";
  if (stats.uid !== 0) {
    const who = userName(stats.uid);
    return `refused: the directory ${dir} is owned by uid ${stats.uid}${who ? ` (${who})` : ""}, not root; ${why} (fix: chown root ${dir})`;
  }
  if ((stats.mode & 0o022) === 0) return undefined;
  return `refused: the directory ${dir} is writable by group or others (mode ${modeText(stats)}); ${why} (fix: chmod go-w ${dir})`;
}

function isError(d: Diagnostic): boolean {
  return d.severity === "error";
}

function error(file: string, message: string, line = 1): Diagnostic {
  return { file, line, severity: "error", message };
}

function warning(file: string, message: string, line = 1): Diagnostic {
  return { file, line, severity: "warning", message };
}
