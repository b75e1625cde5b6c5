/**
 * The numeric ids of the Plesk syntax (SPEC §6): Plesk's `event_handler`
 * names handlers by number, and scripts collect those numbers from `--list`
 * to pass them to `--delete`. evh's handlers are named by their `id`; this
 * is the table from one to the other, as pure functions over a state that
 * `plesk-id-file.ts` keeps in `var/`.
 *
 * The rules: a handler keeps its number while it exists; a number is never
 * given twice (`next` only grows, a retired number is not reused); a
 * handler that has none (a file written by hand, or by `evh create`) gets
 * the next one the first time a Plesk-syntax command sees it, in load order.
 */
export interface NumberedHandler {
  readonly id: string;
  readonly n: number;
  /** The file that defined it when last seen. */
  readonly file: string;
}

export interface PleskIds {
  /** The number the next new handler gets. */
  readonly next: number;
  readonly handlers: readonly NumberedHandler[];
}

export const NO_PLESK_IDS: PleskIds = { next: 1, handlers: [] };

/** A handler as loaded now. */
export interface PresentHandler {
  readonly id: string;
  readonly file: string;
}

/**
 * The state after looking at the handlers present now: numbers of handlers
 * that are gone are retired, new handlers are numbered. A handler whose file
 * fails to load right now is not gone (the agent keeps running its last good
 * version), so its number stays.
 */
export function numberHandlers(
  state: PleskIds,
  present: readonly PresentHandler[],
  failedFiles: ReadonlySet<string>,
): PleskIds {
  const now = new Map(present.map((h) => [h.id, h.file]));
  let next = state.next;
  const kept: NumberedHandler[] = [];
  for (const entry of state.handlers) {
    const file = now.get(entry.id);
    if (file !== undefined) kept.push(file === entry.file ? entry : { ...entry, file });
    else if (failedFiles.has(entry.file)) kept.push(entry);
  }
  const known = new Set(kept.map((e) => e.id));
  for (const handler of present) {
    if (known.has(handler.id)) continue;
    known.add(handler.id);
    kept.push({ id: handler.id, n: next++, file: handler.file });
  }
  kept.sort((a, b) => a.n - b.n);
  return { next, handlers: kept };
}

/** The state without this handler's number (it was deleted); the number is not given again. */
export function retireHandler(state: PleskIds, id: string): PleskIds {
  return { next: state.next, handlers: state.handlers.filter((e) => e.id !== id) };
}

export function numberOf(state: PleskIds, id: string): number | undefined {
  return state.handlers.find((e) => e.id === id)?.n;
}

export function handlerOfNumber(state: PleskIds, n: number): string | undefined {
  return state.handlers.find((e) => e.n === n)?.id;
}

export function samePleskIds(a: PleskIds, b: PleskIds): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Checks the shape of a parsed registry file; undefined when it is not one. */
export function asPleskIds(value: unknown): PleskIds | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { next, handlers } = value as { next?: unknown; handlers?: unknown };
  if (!Number.isSafeInteger(next) || (next as number) < 1 || !Array.isArray(handlers)) {
    return undefined;
  }
  const seen = new Set<number>();
  for (const entry of handlers as unknown[]) {
    if (typeof entry !== "object" || entry === null) return undefined;
    const { id, n, file } = entry as { id?: unknown; n?: unknown; file?: unknown };
    const valid =
      typeof id === "string" &&
      typeof file === "string" &&
      Number.isSafeInteger(n) &&
      (n as number) >= 1 &&
      (n as number) < (next as number) &&
      !seen.has(n as number);
    if (!valid) return undefined;
    seen.add(n as number);
  }
  return {
    next: next as number,
    handlers: (handlers as NumberedHandler[]).map(({ id, n, file }) => ({ id, n, file })),
  };
}
