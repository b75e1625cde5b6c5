import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseCatalogueData } from "./catalogue-data.js";
import type { CatalogueEvent, CatalogueParam } from "./catalogue-types.js";
import { closestMatch } from "./did-you-mean.js";
import type { EvhEvent } from "./event.js";
import { orderingKey } from "./ordering-key.js";

/**
 * The data file, found relative to this module: `src/events/` under vitest
 * and `dist/events/` once built both sit two levels below the package root,
 * where `data/` is (and is shipped, see package.json `files`).
 */
export const CATALOGUE_FILE = new URL("../../data/catalogue.json", import.meta.url);

/** The built-in catalogue of Plesk events (SPEC §7). */
export interface Catalogue {
  /** Every event, sorted by id. */
  events(): readonly CatalogueEvent[];
  find(id: string): CatalogueEvent | undefined;
  /** A known id close to an unknown one, for "did you mean"; undefined for a known id. */
  suggest(id: string): string | undefined;
  /** Env names of the required params (`NEW_LOGIN_NAME`, ...); [] for an unknown id. */
  requiredParams(id: string): string[];
  /** Env names of all params, OLD_x before NEW_x, in catalogue order; [] for an unknown id. */
  paramEnvNames(id: string): string[];
  /** The ordering key of an event (SPEC §5), see `orderingKey`. */
  subjectKey(event: EvhEvent): string;
}

/** Shortest unknown id that may be completed by prefix (`phys_hosting` → `phys_hosting_create`). */
const MIN_PREFIX = 4;

export function createCatalogue(events: readonly CatalogueEvent[]): Catalogue {
  const byId = new Map(events.map((event) => [event.id, event]));
  const ids = [...byId.keys()].sort();
  const envNames = (id: string, pick: (param: CatalogueParam) => boolean): string[] =>
    (byId.get(id)?.params ?? []).filter(pick).flatMap(paramEnvNames);
  return {
    events: () => events,
    find: (id) => byId.get(id),
    suggest(id) {
      if (byId.has(id)) return undefined;
      const close = closestMatch(id, ids);
      if (close !== undefined) return close;
      const prefix = id.toLowerCase();
      return prefix.length >= MIN_PREFIX
        ? ids.find((known) => known.startsWith(prefix))
        : undefined;
    },
    requiredParams: (id) => envNames(id, (param) => param.required),
    paramEnvNames: (id) => envNames(id, () => true),
    subjectKey: (event) => orderingKey(event, byId.get(event.event)),
  };
}

/** `OLD_<name>` and/or `NEW_<name>`, as Plesk sets them. */
export function paramEnvNames(param: CatalogueParam): string[] {
  return [...(param.old ? [`OLD_${param.name}`] : []), ...(param.new ? [`NEW_${param.name}`] : [])];
}

let cached: Catalogue | undefined;

/** The built-in catalogue, read and checked on first use, then kept. */
export function getCatalogue(): Catalogue {
  if (!cached) {
    const path = fileURLToPath(CATALOGUE_FILE);
    cached = createCatalogue(parseCatalogueData(readFileSync(path, "utf8"), path));
  }
  return cached;
}
