import { UsageError } from "../errors/evh-error.js";
import { type BridgeTarget, bridgeCommand, parseBridgeCommand } from "./bridge-command.js";
import { type PleskCli, runPlesk } from "./plesk-cli.js";
import { type PleskHandler, parseEventList, parseHandlerList } from "./plesk-listing.js";

/**
 * The Plesk bridge (docs/plesk.md): one Plesk handler per event whose only
 * job is `evh emit --from-env EVENT`. Every change goes through Plesk's own
 * utility; the bridge's handlers are recognised by their command, and no
 * other handler is ever created, changed or deleted.
 */

/** Plesk's highest priority: the bridge only spools, so it goes first and waits for nobody. */
export const BRIDGE_PRIORITY = 100;

export interface BridgeSetup {
  readonly cli: PleskCli;
  /** The evh the bridge commands run (absolute). */
  readonly evhPath: string;
  /** The evh root the events go to (absolute). */
  readonly root: string;
  /** The user Plesk runs the bridge as: the agent's user or a producer_group member. */
  readonly user: string;
  /** `--events a,b`: a subset; all of `--list-events` otherwise. */
  readonly events: readonly string[] | undefined;
}

/** A bridge handler as found in Plesk. */
export interface BridgeHandler {
  readonly handler: PleskHandler;
  readonly target: BridgeTarget;
}

/** What Plesk has now: its events, and the bridge handlers that feed this root. */
export interface BridgeState {
  readonly events: readonly string[];
  readonly ours: readonly BridgeHandler[];
}

export async function readBridgeState(setup: BridgeSetup): Promise<BridgeState> {
  const events = parseEventList(await runPlesk(setup.cli, ["--list-events"]));
  const listing = await runPlesk(setup.cli, ["--list"]);
  let handlers: PleskHandler[];
  try {
    handlers = parseHandlerList(listing);
  } catch (error) {
    throw new UsageError(
      `cannot read the output of ${setup.cli.display} --list (${(error as Error).message}); nothing was changed`,
    );
  }
  const ours: BridgeHandler[] = [];
  for (const handler of handlers) {
    const target = parseBridgeCommand(handler.command);
    if (target !== undefined && target.root === setup.root) ours.push({ handler, target });
  }
  return { events, ours };
}

/** The events an operation covers: `--events` (each checked against Plesk's list) or all. */
function selected(setup: BridgeSetup, state: BridgeState): readonly string[] {
  if (setup.events === undefined) return state.events;
  const unknown = setup.events.filter((e) => !state.events.includes(e));
  if (unknown.length > 0) {
    throw new UsageError(
      `--events: ${unknown.join(", ")} not among the events of ${setup.cli.display} --list-events; nothing was changed`,
    );
  }
  return setup.events;
}

/** One line of an install's or removal's report. */
export interface BridgeChange {
  readonly event: string;
  readonly action: "created" | "kept" | "replaced" | "deleted";
  readonly id: number | undefined;
}

/**
 * Registers the bridge for every selected event that lacks it. Idempotent: an
 * event whose bridge handler already runs exactly this command is kept; one
 * bridged by an older command (evh moved) gets the new one, then loses the old.
 */
export async function installBridge(setup: BridgeSetup): Promise<BridgeChange[]> {
  const before = await readBridgeState(setup);
  const events = selected(setup, before);
  const commands = new Map(events.map((e) => [e, bridgeCommand(setup.evhPath, e, setup.root)]));
  const changes: BridgeChange[] = [];
  for (const event of events) {
    const command = commands.get(event) as string;
    const mine = before.ours.filter((o) => o.target.event === event);
    const current = mine.find((o) => o.handler.command === command);
    if (current !== undefined) {
      changes.push({ event, action: "kept", id: current.handler.id });
      continue;
    }
    await runPlesk(setup.cli, [
      "--create",
      "-event",
      event,
      "-priority",
      String(BRIDGE_PRIORITY),
      "-user",
      setup.user,
      "-command",
      command,
    ]);
    for (const old of mine) await runPlesk(setup.cli, ["--delete", String(old.handler.id)]);
    changes.push({ event, action: mine.length > 0 ? "replaced" : "created", id: undefined });
  }
  if (changes.every((c) => c.action === "kept")) return changes;
  // Plesk's --create prints no id: read them back.
  const after = await readBridgeState(setup);
  return changes.map((c) =>
    c.id !== undefined
      ? c
      : {
          ...c,
          id: after.ours.find(
            (o) => o.target.event === c.event && o.handler.command === commands.get(c.event),
          )?.handler.id,
        },
  );
}

/** Deletes the bridge's handlers of the selected events (all by default), by their ids; nothing else. */
export async function removeBridge(setup: BridgeSetup): Promise<BridgeChange[]> {
  const state = await readBridgeState(setup);
  const events = setup.events === undefined ? undefined : selected(setup, state);
  const changes: BridgeChange[] = [];
  for (const { handler, target } of state.ours) {
    if (events !== undefined && !events.includes(target.event)) continue;
    await runPlesk(setup.cli, ["--delete", String(handler.id)]);
    changes.push({ event: target.event, action: "deleted", id: handler.id });
  }
  return changes;
}

/** Per event of Plesk (and any bridged event Plesk no longer lists): bridged, with ids, or not. */
export interface BridgeStatusRow {
  readonly event: string;
  readonly bridged: boolean;
  readonly ids: readonly number[];
}

export async function bridgeStatus(setup: BridgeSetup): Promise<BridgeStatusRow[]> {
  const state = await readBridgeState(setup);
  const events = [...selected(setup, state)];
  if (setup.events === undefined) {
    for (const o of state.ours) if (!events.includes(o.target.event)) events.push(o.target.event);
  }
  return events.map((event) => {
    const ids = state.ours.filter((o) => o.target.event === event).map((o) => o.handler.id);
    return { event, bridged: ids.length > 0, ids };
  });
}
