/** One param of a catalogue event (SPEC §7). */
export interface CatalogueParam {
  /** Base name without OLD_/NEW_, e.g. `DOMAIN_NAME`. */
  readonly name: string;
  readonly old: boolean;
  readonly new: boolean;
  readonly required: boolean;
  readonly title: string;
  /** `domain` for params that get a `<NAME>_ASCII` IDN form. */
  readonly type: "domain" | "string";
}

export interface CatalogueEvent {
  readonly id: string;
  readonly title: string;
  readonly params: readonly CatalogueParam[];
  /** Base name of the param whose value is the default ordering key (SPEC §5). */
  readonly subject: string | undefined;
  /** How sure the reference is of the id and the params. */
  readonly idStatus: "documented" | "observed" | "inferred" | "guessed";
  readonly paramsStatus: "documented" | "partial" | "observed" | "inferred" | "unknown";
  /** What the reference says beyond the facts above (caveats, Plesk version differences). */
  readonly note?: string;
}
