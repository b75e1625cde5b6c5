import { compileGlob, type GlobMatcher, isLiteral } from "./glob.js";
import type { Handler } from "./handler.js";

/** A handler whose `event` pattern matched, and whether its `when` holds (false: outcome `skipped`). */
export interface Match {
  readonly handler: Handler;
  readonly when: boolean;
}

/** What matching needs of an event. */
export interface MatchableEvent {
  readonly event: string;
  readonly params: Readonly<Record<string, string>>;
}

interface Entry {
  readonly handler: Handler;
  /** Position in run order: priority desc, then file, then document. */
  readonly rank: number;
  readonly when: readonly { readonly param: string; readonly matchers: readonly GlobMatcher[] }[];
}

/**
 * An immutable index of the handlers of one load (SPEC §3, §4). An event
 * keeps the registry that was current when it was claimed, whatever reloads
 * happen meanwhile. Literal event ids are looked up in a map, so the cost of
 * matching grows only with the handlers that use globs.
 */
export class Registry {
  static readonly empty = new Registry([]);

  private readonly handlers: readonly Handler[];
  private readonly byId = new Map<string, Handler>();
  private readonly byEvent = new Map<string, Entry[]>();
  private readonly globbed: { entry: Entry; matchers: GlobMatcher[] }[] = [];
  /** entriesFor() results by event id. */
  private readonly byEventId = new Map<string, readonly Entry[]>();

  constructor(handlers: readonly Handler[]) {
    this.handlers = Object.freeze([...handlers]);
    const ordered = [...handlers].sort(runOrder);
    ordered.forEach((handler, rank) => {
      this.byId.set(handler.id, handler);
      if (!handler.enabled) return;
      const entry: Entry = {
        handler,
        rank,
        when: handler.when.map((c) => ({ param: c.param, matchers: c.patterns.map(compileGlob) })),
      };
      const globs: GlobMatcher[] = [];
      for (const pattern of new Set(handler.events)) {
        if (isLiteral(pattern)) {
          const list = this.byEvent.get(pattern);
          if (list) list.push(entry);
          else this.byEvent.set(pattern, [entry]);
        } else {
          globs.push(compileGlob(pattern));
        }
      }
      if (globs.length > 0) this.globbed.push({ entry, matchers: globs });
    });
  }

  /** Every handler, enabled or not, in load order (for `evh list`). */
  all(): readonly Handler[] {
    return this.handlers;
  }

  get(id: string): Handler | undefined {
    return this.byId.get(id);
  }

  /**
   * The enabled handlers whose `event` matches, in run order: highest
   * priority first, then file order, then document order.
   */
  match(event: MatchableEvent): Match[] {
    return this.entriesFor(event.event).map((entry) => ({
      handler: entry.handler,
      when: whenHolds(entry, event.params),
    }));
  }

  /**
   * The entries whose `event` pattern matches an event id, in run order.
   * They depend on the id alone and the registry never changes, so each id
   * is worked out once: with thousands of glob handlers, testing every glob
   * against every event made matching cost grow with the handler count.
   */
  private entriesFor(eventId: string): readonly Entry[] {
    let entries = this.byEventId.get(eventId);
    if (!entries) {
      const found = new Set<Entry>(this.byEvent.get(eventId));
      for (const { entry, matchers } of this.globbed) {
        if (!found.has(entry) && matchers.some((m) => m(eventId))) found.add(entry);
      }
      entries = [...found].sort((a, b) => a.rank - b.rank);
      // Bounded: ids are well-formed but arbitrary; a flood of distinct ids must not grow memory.
      if (this.byEventId.size >= MAX_CACHED_IDS) this.byEventId.clear();
      this.byEventId.set(eventId, entries);
    }
    return entries;
  }
}

/** Event ids whose matches are kept; Plesk has about a hundred. */
const MAX_CACHED_IDS = 1024;

/** Every condition must hold; a param the event lacks does not (SPEC §3). */
function whenHolds(entry: Entry, params: Readonly<Record<string, string>>): boolean {
  return entry.when.every(({ param, matchers }) => {
    if (!Object.hasOwn(params, param)) return false;
    const value = params[param] as string;
    return matchers.some((m) => m(value));
  });
}

function runOrder(a: Handler, b: Handler): number {
  return b.priority - a.priority || a.fileIndex - b.fileIndex || a.docIndex - b.docIndex;
}
