import { MASK, Redactor } from "../record/redact.js";
import { decodeText, isUtf8 } from "./charset.js";

/** How much of each of stdout and stderr is kept (SPEC §4). */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * The last `limit` bytes of a stream. Chunks that fall wholly out of the
 * window are dropped as they come, so memory stays at about `limit` plus one
 * chunk however much a handler writes.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes seen in all, kept or not. */
  total = 0;

  constructor(private readonly limit = OUTPUT_TAIL_BYTES) {}

  /** A tail rebuilt from what another process kept: its bytes and the total it saw. */
  static from(bytes: Buffer, total: number): OutputTail {
    // A tail that was cut keeps exactly what it was given, and says it was cut.
    const tail = new OutputTail(total > bytes.length ? bytes.length : OUTPUT_TAIL_BYTES);
    if (bytes.length > 0) tail.push(bytes);
    tail.total = Math.max(total, bytes.length);
    return tail;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.size += chunk.length;
    for (let first = this.chunks[0]; first && this.size - first.length >= this.limit; ) {
      this.chunks.shift();
      this.size -= first.length;
      first = this.chunks[0];
    }
  }

  /** The kept bytes: at most `limit`, the newest ones. */
  bytes(): Buffer {
    // Most handlers write one chunk or none: no copy for those.
    const [only, second] = this.chunks;
    const all =
      only !== undefined && second === undefined ? only : Buffer.concat(this.chunks, this.size);
    return all.subarray(Math.max(0, all.length - this.limit));
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }
}

/**
 * Decodes a tail with the handler's charset and hides secret values. A tail
 * cut inside a UTF-8 character starts with continuation bytes; they are
 * dropped rather than shown as U+FFFD. A tail cut inside a secret starts
 * with the secret's end, which is masked too: half a password is still a
 * leak.
 */
export function decodeOutput(
  tail: OutputTail,
  encoding: string,
  secrets: readonly string[],
): string {
  if (tail.total === 0) return "";
  let bytes = tail.bytes();
  if (tail.truncated && isUtf8(encoding)) {
    let skip = 0;
    while (skip < 3 && skip < bytes.length && ((bytes[skip] ?? 0) & 0xc0) === 0x80) skip++;
    bytes = bytes.subarray(skip);
  }
  const text = decodeText(bytes, encoding);
  const cut = tail.truncated ? secretEndAtStart(text, secrets) : 0;
  return (cut > 0 ? MASK : "") + Redactor.maskText(text.slice(cut), secrets);
}

/** The length of the longest end of a secret that `text` starts with (a tail cut inside it), or 0. */
function secretEndAtStart(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let k = Math.min(secret.length - 1, text.length); k > longest; k--) {
      if (text.startsWith(secret.slice(-k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}
