import { randomBytes } from "node:crypto";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";

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

/** Spools prepared bytes (`evh emit --file`); `ext` decides how the agent parses them. */
export async function emitBytes(spoolDir: string, bytes: Uint8Array, ext: string): Promise<string> {
  const name = spoolFileName(Date.now(), ext);
  const tmp = path.join(spoolDir, "tmp", name);
  const target = path.join(spoolDir, "new", name);
  await mkdir(path.dirname(tmp), { recursive: true });
  await mkdir(path.dirname(target), { recursive: true });
  const handle = await open(tmp, "wx", 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(tmp, target);
  return target;
}
