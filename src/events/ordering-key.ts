import type { CatalogueEvent } from "./catalogue-types.js";
import type { EvhEvent } from "./event.js";
import { domainToAsciiOrUndefined, isDomainParam } from "./idn.js";

/**
 * The ordering key of SPEC §5: events with the same key never overlap and
 * keep arrival order. In turn: the event's own `key`; else the value of its
 * subject param (the catalogue names one per event); else the event name.
 *
 * OLD before NEW: an update that renames its object (OLD_DOMAIN_NAME=a.com,
 * NEW_DOMAIN_NAME=b.com) is keyed by the old identity, so it waits for every
 * event still queued for a.com, which is what it changes. Events for b.com
 * that arrive after it may run beside it; the reverse choice would let the
 * rename overtake a.com's pending work, which is worse. Create events carry
 * only NEW_, delete events only OLD_, so both land on the same key as the
 * object's updates. A bare `<subject>` param (no prefix) is the last resort,
 * for producers that do not follow Plesk's OLD_/NEW_ convention.
 *
 * Domain values are keyed by their ASCII form, so `Пример.рф` and
 * `xn--e1afmkfd.xn--p1ai` are one object. The key space is shared: a
 * producer's explicit `key: example.com` orders with Plesk's events for
 * example.com, by design.
 */
export function orderingKey(event: EvhEvent, catalogueEvent: CatalogueEvent | undefined): string {
  if (event.key !== undefined) return event.key;
  const subject = catalogueEvent?.subject;
  if (subject === undefined) return event.event;
  for (const name of [`OLD_${subject}`, `NEW_${subject}`, subject]) {
    const value = event.params[name];
    if (value === undefined || value === "") continue;
    if (!isDomainParam(name, catalogueEvent)) return value;
    return domainToAsciiOrUndefined(value) ?? value;
  }
  return event.event;
}
