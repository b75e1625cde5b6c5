import iconv from "iconv-lite";

/**
 * Non-fatal, and it drops a leading BOM: byte for byte what iconv-lite's
 * utf-8 decoder gives (Node's StringDecoder, then the BOM stripped),
 * including one U+FFFD per maximal invalid subpart and for a character cut
 * at the end. Stateless between decode() calls, so one serves every run.
 */
const utf8Decoder = new TextDecoder("utf-8");

/**
 * Whether a handler's `encoding` is UTF-8 as people write it. iconv-lite
 * accepts more spellings (`UTF_8`, `unicode-1-1-utf-8`); those take the
 * general path, with the same result.
 */
export function isUtf8(encoding: string): boolean {
  return /^utf-?8$/i.test(encoding);
}

/**
 * `text` in the handler's charset. UTF-8, the default, skips iconv-lite's
 * per-call codec lookup and wrappers: `Buffer.from` gives the same bytes,
 * a lone surrogate included (EF BF BD). Throws for an unknown charset, as
 * iconv-lite does.
 */
export function encodeText(text: string, encoding: string): Buffer {
  return isUtf8(encoding) ? Buffer.from(text, "utf8") : iconv.encode(text, encoding);
}

/** `bytes` read in the handler's charset; an unknown charset reads as UTF-8. */
export function decodeText(bytes: Buffer, encoding: string): string {
  if (isUtf8(encoding) || !iconv.encodingExists(encoding)) return utf8Decoder.decode(bytes);
  return iconv.decode(bytes, encoding);
}
