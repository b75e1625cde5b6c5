import type { EvhConfig } from "../config/config.js";
import { HandlerNotFoundError } from "../errors/evh-error.js";
import { type LoadedHandlers, loadHandlers } from "./loaded-handlers.js";
import { changePleskIds } from "./plesk-id-file.js";
import { handlerOfNumber, numberHandlers, type PleskIds } from "./plesk-ids.js";

/** handlers.d/ as loaded now, with the Plesk numbers brought up to date (new handlers numbered, gone ones retired). */
export async function loadNumbered(
  config: EvhConfig,
): Promise<{ loaded: LoadedHandlers; ids: PleskIds }> {
  let loaded: LoadedHandlers | undefined;
  // Loaded under the registry's lock: a snapshot older than the state could retire
  // the number another command just gave to a handler this one did not see yet.
  const ids = await changePleskIds(config.varDir, (state) => {
    loaded = loadHandlers(config);
    const present = loaded.registry.all().map((h) => ({ id: h.id, file: h.file }));
    const failed = new Set(
      [...loaded.files.values()].filter((f) => f.status === "failed").map((f) => f.file),
    );
    return numberHandlers(state, present, failed);
  });
  return { loaded: loaded as LoadedHandlers, ids };
}

/**
 * The evh id an `--update`/`--delete` argument names: a number is Plesk's
 * (looked up in the registry), anything else is evh's own id, as before.
 */
export async function handlerIdOf(config: EvhConfig, given: string): Promise<string> {
  if (!/^\d+$/.test(given)) return given;
  const { ids } = await loadNumbered(config);
  const id = handlerOfNumber(ids, Number(given));
  if (id === undefined) {
    throw new HandlerNotFoundError(
      `no handler with number ${given}; evh event_handler --list shows the numbers`,
    );
  }
  return id;
}
