import { readFileSync } from "node:fs";
import { UsageError } from "../errors/evh-error.js";
import { getCatalogue } from "../events/catalogue.js";
import { planImport, titlesFromEventList } from "../plesk/import-plan.js";
import { findPleskCli, runPlesk } from "../plesk/plesk-cli.js";
import { parseHandlerList } from "../plesk/plesk-listing.js";
import { note, warn } from "./output.js";
import type { CommonOptions } from "./program.js";

export interface ImportOptions extends CommonOptions {
  from?: string;
  plesk?: string;
}

/**
 * `evh plesk import`: each Plesk handler becomes a handler file, created by
 * `evh event_handler --create` with the handler's own event, priority, user
 * and command — the one place that decides what a Plesk `-command` means in
 * evh (docs/handlers.md), so an import and a re-run installer agree. Prints
 * each new handler's id; exit 1 when one could not be imported.
 */
export async function importHandlers(options: ImportOptions): Promise<number> {
  const fromFile = options.from !== undefined;
  const cli = fromFile ? undefined : findPleskCli(options.plesk);
  const listing = fromFile
    ? readFileSync(options.from === "-" ? 0 : (options.from as string), "utf8")
    : await runPlesk(cli!, ["--list"]);
  const where = fromFile ? (options.from as string) : `${cli!.display} --list`;
  let handlers: ReturnType<typeof parseHandlerList>;
  try {
    handlers = parseHandlerList(listing);
  } catch (error) {
    throw new UsageError(`${where}: ${(error as Error).message}; nothing was imported`);
  }
  const titles = [
    ...(cli ? [titlesFromEventList(await runPlesk(cli, ["--list-events"]))] : []),
    new Map(
      getCatalogue()
        .events()
        .map((e) => [e.title.toLowerCase(), e.id]),
    ),
  ];
  const { main } = await import("./main.js");
  const common = [
    ...(options.root !== undefined ? ["--root", options.root] : []),
    ...(options.config !== undefined ? ["--config", options.config] : []),
  ];
  let imported = 0;
  let failed = 0;
  const importedIds: number[] = [];
  for (const item of planImport(handlers, titles)) {
    const { handler } = item;
    if (item.kind === "bridge") continue;
    if (item.kind === "unknown-title") {
      failed++;
      warn(
        `Plesk handler ${handler.id}: no known event has the title ${JSON.stringify(handler.name)}; not imported: create it with evh event_handler --create -event ID -priority ${handler.priority} -user ${handler.user} -command '...'`,
      );
      continue;
    }
    const status = await main([
      "event_handler",
      "--create",
      "-event",
      item.event,
      "-priority",
      handler.priority,
      "-user",
      handler.user,
      "-command",
      handler.command,
      ...common,
    ]);
    if (status === 0) {
      imported++;
      importedIds.push(handler.id);
    } else {
      failed++;
      warn(
        `Plesk handler ${handler.id} (${item.event}) was not imported (the line above says why)`,
      );
    }
  }
  note(
    `imported ${imported} Plesk handlers${failed > 0 ? `, ${failed} not` : ""}. They still run in Plesk too: once checked (evh list, evh test), delete them there${importedIds.length > 0 ? ` (plesk bin event_handler --delete ID, ids ${importedIds.join(", ")})` : ""} and bridge the events (evh plesk bridge install)`,
  );
  return failed > 0 ? 1 : 0;
}
