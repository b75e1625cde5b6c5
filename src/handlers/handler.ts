import type { SystemUser } from "../system/system-users.js";
import type { WebhookSpec } from "./webhook.js";

/** The levels accepted for `priority` (SPEC §3). */
export const PRIORITY_LEVELS = { lowest: 0, low: 25, normal: 50, high: 75, highest: 100 } as const;

/** One `when` condition: the param's value must match one of the globs. */
export interface WhenCondition {
  readonly param: string;
  readonly patterns: readonly string[];
}

/** A validated handler, ready to match and run (SPEC §3). */
export interface Handler {
  /** Unique id; default `<file name>` or `<file name>#<n>`. */
  readonly id: string;
  /** Absolute path of the handler file. */
  readonly file: string;
  /** Line of the document's first key (1-based), for messages. */
  readonly line: number;
  /** Position of the file in name order, then of the document in the file: the tie-break order. */
  readonly fileIndex: number;
  readonly docIndex: number;
  /** Event ids or globs. */
  readonly events: readonly string[];
  /** 0..100 */
  readonly priority: number;
  /** The `user` as written; undefined runs as the agent's own user. */
  readonly userName: string | undefined;
  /** Resolved at load time. */
  readonly user: SystemUser | undefined;
  /** argv template, split at load time (placeholders still in place). With `shell`, the one command string. */
  readonly argv: readonly string[];
  /** The command as written, for display. */
  readonly commandText: string;
  readonly shell: boolean;
  /** 0 = none. */
  readonly timeoutMs: number;
  readonly enabled: boolean;
  readonly when: readonly WhenCondition[];
  readonly env: Readonly<Record<string, string>>;
  readonly retry: { readonly attempts: number; readonly backoffMs: number };
  readonly stdin: "none" | "json";
  /** iconv-lite charset name. */
  readonly encoding: string;
  readonly cwd: string | undefined;
  /**
   * Set for a webhook handler (docs/webhooks.md): the event is delivered
   * over HTTP instead of running a command; `argv` is then empty and
   * `commandText` reads `webhook POST <url>`. @defaultValue undefined
   */
  readonly webhook?: WebhookSpec;
}

/** A located message about a handler file (SPEC §6 `validate`). */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly severity: "error" | "warning";
  readonly message: string;
}
