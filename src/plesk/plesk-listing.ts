/**
 * Readers of what Plesk's `event_handler` utility prints. Pure: text in, data out.
 *
 * `--list` (captured from Plesk Obsidian 18.0.78, docs/plesk.md "Evidence"):
 * one block per handler, blocks separated by a blank line, each line a label
 * indented by three spaces and a value from column 20:
 *
 *    Id               2
 *    Name             SSL/TLS certificate on domain assigned/unassigned
 *    Priority         50
 *    User             root
 *    Command          /usr/local/psa/bin/extension --exec robocertsentry reconcile.php
 *
 * `Name` is the event's title, not its id. The reader keys on the labels, not
 * the columns, so a wider label column or extra lines in a later version do
 * not break it; a block without a numeric Id is refused rather than guessed.
 */

/** One handler as `--list` shows it. */
export interface PleskHandler {
  readonly id: number;
  /** The event's title (Plesk prints no event id). */
  readonly name: string;
  readonly priority: string;
  readonly user: string;
  readonly command: string;
}

const LABELED = /^\s+(Id|Name|Priority|User|Command)(?:\s+(.*))?$/;

/** The handlers of a `--list` output; throws an Error naming the line that makes no sense. */
export function parseHandlerList(text: string): PleskHandler[] {
  // What Plesk prints when there is no handler is not in the public record: a text without
  // any Id line (a message, or nothing) has no handler to misread.
  if (!/^\s+Id\s/m.test(text)) return [];
  const handlers: PleskHandler[] = [];
  let block: Record<string, string> = {};
  let startLine = 0;
  const flush = () => {
    if (Object.keys(block).length === 0) return;
    const id = block.Id ?? "";
    if (!/^\d+$/.test(id)) {
      throw new Error(`line ${startLine}: a handler block without a numeric Id`);
    }
    handlers.push({
      id: Number(id),
      name: block.Name ?? "",
      priority: block.Priority ?? "",
      user: block.User ?? "",
      command: block.Command ?? "",
    });
    block = {};
  };
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") {
      flush();
      continue;
    }
    const match = LABELED.exec(raw);
    if (!match) throw new Error(`line ${index + 1}: not a "   Label   value" line: ${raw}`);
    const [, label, value = ""] = match as unknown as [string, string, string | undefined];
    // An Id line always opens a block, also where a version prints no blank line between blocks.
    if (label === "Id") flush();
    if (Object.keys(block).length === 0) startLine = index + 1;
    block[label] = value.trimEnd();
  }
  flush();
  return handlers;
}

const EVENT_ID = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * The event ids of a `--list-events` output. Its exact layout is not in the
 * public record (docs/plesk.md): an id is taken from the first word of each
 * line that is a well-formed event id; headings, titles and blank lines are
 * skipped.
 */
export function parseEventList(text: string): string[] {
  const ids: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const first = line.trim().split(/\s+/)[0] ?? "";
    if (EVENT_ID.test(first) && !ids.includes(first)) ids.push(first);
  }
  return ids;
}
