import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { UsageError } from "../../errors/evh-error.js";
import {
  type BridgeChange,
  type BridgeSetup,
  bridgeStatus,
  installBridge,
  removeBridge,
} from "../../plesk/bridge.js";
import { findPleskCli } from "../../plesk/plesk-cli.js";
import { formatTable, note, say, sayJson } from "../output.js";
import { type ImportOptions, importHandlers } from "../plesk-import.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface BridgeOptions extends CommonOptions {
  events?: string;
  plesk?: string;
  user: string;
  json?: boolean;
}

/** `evh plesk ...`: living beside Plesk's Event Manager (docs/plesk.md). */
export function registerPlesk(program: Command, done: Done): void {
  const plesk = program
    .command("plesk")
    .description("bridge Plesk's events into the spool, import Plesk's handlers (docs/plesk.md)");
  const bridge = plesk
    .command("bridge")
    .description("the Plesk handlers that spool each event for evh: install | remove | status");
  const action = (
    name: string,
    description: string,
    run: (setup: BridgeSetup, options: BridgeOptions) => Promise<number>,
  ) =>
    withCommon(bridge.command(name))
      .description(description)
      .addOption(new Option("--events <list>", "only these events, comma-separated"))
      .addOption(new Option("--plesk <path>", "the plesk program or event_handler utility to use"))
      .addOption(
        new Option("--user <user>", "the user Plesk runs the bridge as (install)").default("root"),
      )
      .option("--json", "machine-readable output")
      .action((options: BridgeOptions) => done(run(setupFor(options), options)));
  action("install", "register one bridge handler per Plesk event (idempotent)", install);
  action("remove", "delete the bridge's handlers from Plesk, and nothing else", remove);
  action("status", "which of Plesk's events are bridged into this root", status);
  withCommon(plesk.command("import"))
    .description("turn Plesk's handlers (event_handler --list) into handler files in handlers.d/")
    .addOption(new Option("--from <file>", "a saved event_handler --list output (- for stdin)"))
    .addOption(new Option("--plesk <path>", "the plesk program or event_handler utility to use"))
    .action((options: ImportOptions) => done(importHandlers(options)));
}

function setupFor(options: BridgeOptions): BridgeSetup {
  const config = configFor(options);
  if (config.configFile === undefined && !existsSync(config.handlersDir)) {
    throw new UsageError(
      `${config.root} is not an evh root (no evh.yaml, no handlers.d/); give it with --root DIR or create it with evh init`,
    );
  }
  const events = options.events?.split(",").map((e) => e.trim());
  if (events !== undefined && (events.length === 0 || events.some((e) => e === ""))) {
    throw new UsageError(`--events takes event ids separated by commas, got "${options.events}"`);
  }
  return {
    cli: findPleskCli(options.plesk),
    evhPath: evhPath(),
    root: config.root,
    user: options.user,
    events,
  };
}

/**
 * The evh that Plesk should run: the one running now as invoked (a symlink
 * such as /usr/local/bin/evh survives an upgrade), else this package's bin/evh.
 */
export function evhPath(): string {
  const invoked = process.argv[1];
  if (invoked !== undefined && path.basename(invoked) === "evh") return path.resolve(invoked);
  return fileURLToPath(new URL("../../../bin/evh", import.meta.url));
}

async function install(setup: BridgeSetup, options: BridgeOptions): Promise<number> {
  const changes = await installBridge(setup);
  report(changes, options);
  const added = changes.filter((c) => c.action !== "kept").length;
  note(
    `${changes.length} Plesk events bridged into ${setup.root} (${added} handlers added, ${changes.length - added} already there)`,
  );
  return 0;
}

async function remove(setup: BridgeSetup, options: BridgeOptions): Promise<number> {
  const changes = await removeBridge(setup);
  report(changes, options);
  note(`${changes.length} bridge handlers deleted from Plesk; no other handler was touched`);
  return 0;
}

async function status(setup: BridgeSetup, options: BridgeOptions): Promise<number> {
  const rows = await bridgeStatus(setup);
  if (options.json) {
    sayJson(rows);
    return 0;
  }
  say(
    formatTable(
      ["EVENT", "BRIDGED", "PLESK_ID"],
      rows.map((r) => [r.event, r.bridged ? "yes" : "no", r.ids.join(",")]),
    ),
  );
  const bridged = rows.filter((r) => r.bridged).length;
  note(`${bridged} of ${rows.length} events bridged into ${setup.root}`);
  return 0;
}

function report(changes: readonly BridgeChange[], options: BridgeOptions): void {
  if (options.json) {
    sayJson(changes);
    return;
  }
  if (changes.length === 0) return;
  say(
    formatTable(
      ["EVENT", "ACTION", "PLESK_ID"],
      changes.map((c) => [c.event, c.action, c.id === undefined ? "?" : String(c.id)]),
    ),
  );
}
