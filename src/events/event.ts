/** An event as the agent sees it after decoding and validation (SPEC §2). */
export interface EvhEvent {
  /** The event id, e.g. `client_create`. */
  readonly event: string;
  /** The producer's idempotency key, when the file carries one. */
  readonly id: string | undefined;
  /** `EVH_EVENT_ID`: `id`, else the file name without its extension. */
  readonly eventId: string;
  /** ISO time: the file's `occurred_at`, else its mtime. */
  readonly occurredAt: string;
  /** The explicit ordering key, when the file carries one. */
  readonly key: string | undefined;
  /** Params, names `^[A-Z][A-Z0-9_]*$`, values strings. A null-prototype object. */
  readonly params: Readonly<Record<string, string>>;
  /** The event file's name inside the spool (no directory). */
  readonly file: string;
}

/** What the decoder needs to know about the file besides its bytes. */
export interface EventFileMeta {
  /** The file name (no directory), e.g. `1764324000000-42-ab12.json`. */
  readonly fileName: string;
  /** The file's mtime: the default `occurred_at`. */
  readonly mtime: Date;
  /** Largest accepted size in bytes. */
  readonly maxBytes: number;
}

/** Event ids (SPEC §2). */
export const EVENT_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** Param names (SPEC §2). */
export const PARAM_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
/** Extensions of event files (SPEC §2). */
export const EVENT_FILE_EXTENSIONS = [".json", ".yaml", ".yml"] as const;
