import { parseBridgeCommand } from "./bridge-command.js";
import type { PleskHandler } from "./plesk-listing.js";

/**
 * What `evh plesk import` makes of Plesk's handlers. Pure. `--list` names a
 * handler's event by its title only, so the title is looked up among Plesk's
 * own `--list-events` titles and then evh's catalogue; a title found in
 * neither is reported rather than guessed. The bridge's own handlers are no
 * handlers to import.
 */

export type ImportItem =
  | { readonly kind: "import"; readonly handler: PleskHandler; readonly event: string }
  | { readonly kind: "bridge"; readonly handler: PleskHandler }
  | { readonly kind: "unknown-title"; readonly handler: PleskHandler };

/** `id  title` pairs from `--list-events`, where its lines carry a title after the id. */
export function titlesFromEventList(text: string): Map<string, string> {
  const byTitle = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([a-z][a-z0-9_]{0,63})\s+(\S.*?)\s*$/.exec(line);
    if (match) byTitle.set((match[2] as string).toLowerCase(), match[1] as string);
  }
  return byTitle;
}

export function planImport(
  handlers: readonly PleskHandler[],
  titleSources: readonly ReadonlyMap<string, string>[],
): ImportItem[] {
  return handlers.map((handler) => {
    if (parseBridgeCommand(handler.command) !== undefined) return { kind: "bridge", handler };
    const title = handler.name.trim().toLowerCase();
    for (const source of titleSources) {
      const event = source.get(title);
      if (event !== undefined) return { kind: "import", handler, event };
    }
    return { kind: "unknown-title", handler };
  });
}
