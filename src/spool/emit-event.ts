import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../system/atomic-write.js";
import { checkTrustedDir } from "../system/trusted-path.js";

/** What a producer sends (SPEC §2). */
export interface EmitInput {
  readonly event: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly id?: string;
  readonly key?: string;
  readonly occurredAt?: string | Date;
}

/**
 * `<epoch-ms, 13 digits>-<pid>-<random>.json`: name order is time order, and
 * two producers never pick the same name.
 */
export function spoolFileName(now = Date.now(), ext = ".json"): string {
  return `${String(now).padStart(13, "0")}-${process.pid}-${randomBytes(4).toString("hex")}${ext}`;
}

/**
 * Drops one event into a spool the safe way: write the whole file under tmp/,
 * fsync it, then rename(2) it into new/ — so the agent never sees half a file
 * and a crash of the producer leaves at most a stray file in tmp/. Returns the
 * path of the spooled file in new/.
 *
 * @example
 * import { emitEvent } from "evh";
 * await emitEvent("/var/spool/evh", { event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } });
 */
export async function emitEvent(spoolDir: string, input: EmitInput): Promise<string> {
  const body: Record<string, unknown> = { event: input.event };
  if (input.id !== undefined) body.id = input.id;
  if (input.occurredAt !== undefined) {
    body.occurred_at =
      input.occurredAt instanceof Date ? input.occurredAt.toISOString() : input.occurredAt;
  }
  if (input.key !== undefined) body.key = input.key;
  body.params = input.params ?? {};
  return emitBytes(spoolDir, Buffer.from(`${JSON.stringify(body)}\n`), ".json");
}

/** How `emitBytes` judges the spool's folders. */
export interface EmitOptions {
  /**
   * tmp/ and new/ may be writable by their group: the `producer_group` mode
   * (SPEC §2). `evh emit` passes what evh.yaml says; a library producer, who
   * cannot know, allows it (others-writable, symlinked and foreign-owned
   * folders are still refused). @defaultValue true
   */
  readonly allowGroupWrite?: boolean;
}

/**
 * Spools prepared bytes (`evh emit --file`); `ext` decides how the agent
 * parses them. The file is 0600 (event files carry passwords, SPEC §2), and
 * tmp/ and new/ are checked first: a folder another user controls is refused.
 */
export async function emitBytes(
  spoolDir: string,
  bytes: Uint8Array,
  ext: string,
  options: EmitOptions = {},
): Promise<string> {
  const name = spoolFileName(Date.now(), ext);
  const tmp = path.join(spoolDir, "tmp", name);
  const target = path.join(spoolDir, "new", name);
  checkTrustedDir(spoolDir);
  for (const dir of [path.dirname(tmp), path.dirname(target)]) {
    if (!checkTrustedDir(dir, { allowGroupWrite: options.allowGroupWrite ?? true })) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
  }
  // Whole and fsynced under tmp/, then one rename into new/: the agent never sees half a file.
  await writeFileAtomic(target, bytes, { temp: tmp, sync: true });
  return target;
}
