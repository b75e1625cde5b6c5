import { domainToASCII } from "node:url";
import type { CatalogueEvent } from "./catalogue-types.js";

/** Suffix of the variable carrying a domain param's ASCII form (SPEC §4). */
export const ASCII_SUFFIX = "_ASCII";

/**
 * Whether a param holds a domain name (SPEC §4): its name ends in
 * `DOMAIN_NAME` (`NEW_DOMAIN_NAME`, `OLD_SUBDOMAIN_NAME`, ...), or the
 * catalogue types its base name `domain` (`NEW_DOMAIN_ALIAS_NAME`).
 */
export function isDomainParam(name: string, catalogueEvent?: CatalogueEvent): boolean {
  if (name.endsWith("DOMAIN_NAME")) return true;
  const base = name.replace(/^(OLD|NEW)_/, "");
  return (
    catalogueEvent?.params.some(
      (param) => param.type === "domain" && (param.name === base || param.name === name),
    ) ?? false
  );
}

/**
 * The ASCII (Punycode) form of a domain by UTS #46 non-transitional
 * processing, lower-cased (`пример.рф` → `xn--e1afmkfd.xn--p1ai`,
 * `Example.COM` → `example.com`), or undefined when it is not a valid domain
 * name. Node's `url.domainToASCII` returns '' for those.
 */
export function domainToAsciiOrUndefined(value: string): string | undefined {
  return domainToASCII(value) || undefined;
}

/** The `<NAME>_ASCII` variables of an event, and the domain params that had no valid form. */
export interface AsciiForms {
  readonly vars: Record<string, string>;
  /** Names of domain params whose value is not a valid domain: the caller logs a warning. */
  readonly invalid: string[];
}

/**
 * `<NAME>_ASCII` for each domain param of an event. An empty value is no
 * domain at all: it gets no variable and no warning (Plesk passes empty
 * `OLD_` values on create events). A name the producer already sent itself
 * is left out, so a param is never overwritten by a computed value.
 */
export function asciiForms(
  params: Readonly<Record<string, string>>,
  catalogueEvent?: CatalogueEvent,
): AsciiForms {
  const vars: Record<string, string> = Object.create(null);
  const invalid: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (value === "" || !isDomainParam(name, catalogueEvent)) continue;
    const target = `${name}${ASCII_SUFFIX}`;
    if (Object.hasOwn(params, target)) continue;
    const ascii = domainToAsciiOrUndefined(value);
    if (ascii === undefined) invalid.push(name);
    else vars[target] = ascii;
  }
  return { vars, invalid };
}
