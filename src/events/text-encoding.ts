import iconv from "iconv-lite";
import { EventDecodeError } from "../errors/evh-error.js";
import { firstInvalidUtf8, firstLoneSurrogate } from "./unicode-scan.js";

/** The encodings an event file may use (SPEC §2). */
export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

/** What detection found: the encoding, and where the text starts after a BOM. */
export interface DetectedEncoding {
  readonly encoding: TextEncoding;
  readonly bomLength: number;
  /** For people: `UTF-16LE with BOM`, `UTF-8 without BOM`, ... */
  readonly label: string;
}

/** The decoded text of an event file and how it was read. */
export interface DecodedText {
  readonly text: string;
  readonly encoding: DetectedEncoding;
}

/** Bytes inspected to recognise BOM-less UTF-16 (SPEC §2). */
const SNIFF_BYTES = 64;

/**
 * Picks the encoding by BOM, else by the zero-byte pattern of BOM-less UTF-16
 * (ASCII-range text in UTF-16 has a zero in every other byte), else UTF-8.
 * UTF-32 BOMs are recognised only to reject them by name: UTF-32LE's BOM
 * starts like UTF-16LE's, and reading it as UTF-16 would give a baffling error.
 */
export function detectEncoding(bytes: Uint8Array): DetectedEncoding {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) throw utf32("UTF-32LE");
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) throw utf32("UTF-32BE");
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return found("utf-8", 3, "UTF-8 with BOM");
  if (b0 === 0xff && b1 === 0xfe) return found("utf-16le", 2, "UTF-16LE with BOM");
  if (b0 === 0xfe && b1 === 0xff) return found("utf-16be", 2, "UTF-16BE with BOM");
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.length >= 2) {
    if (zeroPattern(sample, 1)) return found("utf-16le", 0, "UTF-16LE without BOM");
    if (zeroPattern(sample, 0)) return found("utf-16be", 0, "UTF-16BE without BOM");
  }
  return found("utf-8", 0, "UTF-8");
}

/** Every byte at offsets of parity `zeroParity` is zero, and no other byte is. */
function zeroPattern(sample: Uint8Array, zeroParity: 0 | 1): boolean {
  return sample.every((byte, i) => (i % 2 === zeroParity ? byte === 0 : byte !== 0));
}

function found(encoding: TextEncoding, bomLength: number, label: string): DetectedEncoding {
  return { encoding, bomLength, label };
}

function utf32(name: string): EventDecodeError {
  return new EventDecodeError(`${name} is not supported (found its byte order mark); use UTF-8`);
}

/**
 * Decodes strictly: an invalid sequence or an unpaired surrogate is an error
 * naming its byte offset in the file, never a silent U+FFFD. A file with no
 * content (nothing, or only a BOM, or only whitespace) is "empty file".
 */
export function decodeEventText(bytes: Uint8Array): DecodedText {
  const encoding = detectEncoding(bytes);
  const body = bytes.subarray(encoding.bomLength);
  const text =
    encoding.encoding === "utf-8" ? decodeUtf8(bytes, encoding) : decodeUtf16(body, encoding);
  if (text.trim() === "") throw new EventDecodeError("empty file", encoding.label);
  return { text, encoding };
}

function decodeUtf8(bytes: Uint8Array, encoding: DetectedEncoding): string {
  const bad = firstInvalidUtf8(bytes, encoding.bomLength);
  if (bad >= 0) throw new EventDecodeError(`invalid UTF-8 at byte offset ${bad}`, encoding.label);
  // Valid UTF-8 by now: Node's own decoder gives the same text as iconv-lite's, without loading
  // iconv-lite's table of encodings on the first event (~10 ms) or its codec lookup on every one.
  return Buffer.from(
    bytes.buffer,
    bytes.byteOffset + encoding.bomLength,
    bytes.length - encoding.bomLength,
  ).toString("utf8");
}

function decodeUtf16(body: Uint8Array, encoding: DetectedEncoding): string {
  const name = encoding.encoding === "utf-16le" ? "UTF-16LE" : "UTF-16BE";
  if (body.length % 2 !== 0) {
    const total = body.length + encoding.bomLength;
    throw new EventDecodeError(`invalid ${name}: odd number of bytes (${total})`, encoding.label);
  }
  const codec = encoding.encoding === "utf-16le" ? "utf-16le" : "utf-16be";
  const text = iconv.decode(Buffer.from(body), codec, { stripBOM: false });
  // Every 2 bytes are one UTF-16 code unit, so a code-unit index maps straight back to bytes.
  const lone = firstLoneSurrogate(text);
  if (lone >= 0) {
    const offset = encoding.bomLength + lone * 2;
    throw new EventDecodeError(
      `invalid ${name}: unpaired surrogate at byte offset ${offset}`,
      encoding.label,
    );
  }
  return text;
}
