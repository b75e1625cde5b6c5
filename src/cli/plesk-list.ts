import { getCatalogue } from "../events/catalogue.js";
import type { Handler } from "../handlers/handler.js";
import { currentUser, listSystemUsers } from "../system/system-users.js";
import type { LoadedHandlers } from "./loaded-handlers.js";
import { numberOf, type PleskIds } from "./plesk-ids.js";
import { show } from "./test-output.js";

/**
 * Plesk's `event_handler --list` layout, as captured from Plesk Obsidian
 * 18.0.78 (RoboActPteLtd/RoboCertSentry, tests/Plesk/EventHandlerParsingTest.php):
 * one block per handler, blocks apart by a blank line, each line three
 * spaces, the label padded to 17 columns, then the value.
 *
 *    Id               2
 *    Name             SSL/TLS certificate on domain assigned/unassigned
 *    Priority         50
 *    User             root
 *    Command          /usr/local/psa/bin/extension --exec robocertsentry reconcile.php
 *
 * Blocks come in the order of their numbers, as Plesk lists them.
 * Scripts read it line by line (an `Id` line starts a block), so a value
 * never spans lines: one with control characters is shown JSON-quoted.
 */
export function formatPleskList(loaded: LoadedHandlers, ids: PleskIds): string {
  return loaded.registry
    .all()
    .map((handler) => ({ handler, n: numberOf(ids, handler.id) ?? Number.MAX_SAFE_INTEGER }))
    .sort((a, b) => a.n - b.n)
    .map(({ handler, n }) => {
      return [
        line("Id", String(n)),
        line("Name", eventName(handler)),
        line("Priority", String(handler.priority)),
        line("User", handler.userName ?? loaded.agentUser.name),
        line("Command", handler.commandText),
      ].join("\n");
    })
    .join("\n\n");
}

function line(label: string, value: string): string {
  return `   ${label.padEnd(17)}${show(value)}`;
}

/** The event's title, as Plesk's `Name`; an event (or glob) the catalogue lacks shows as written. */
function eventName(handler: Handler): string {
  const catalogue = getCatalogue();
  return handler.events.map((event) => catalogue.find(event)?.title ?? event).join(", ");
}

/**
 * `--list-events`: one event a line, its id then its title (the `Name` that
 * `--list` shows), in the same columns. No public capture of Plesk's own
 * output was found; this keeps what scripts use (the first word is the id).
 */
export function formatPleskEvents(): string {
  return getCatalogue()
    .events()
    .map((event) => `   ${event.id.padEnd(40)} ${event.title}`.trimEnd())
    .join("\n");
}

/**
 * `--list-users`: one account name a line, those a handler's `-user` may
 * name: all of /etc/passwd when evh runs as root, else only its own (SPEC §4).
 */
export function formatPleskUsers(): string {
  const me = currentUser();
  return listSystemUsers()
    .filter((user) => me.uid === 0 || user.uid === me.uid)
    .map((user) => user.name)
    .join("\n");
}
