import { describe, expect, it } from "vitest";
import { decodeEventText, detectEncoding } from "../../src/events/text-encoding.js";
import {
  BOM_UTF8,
  BOM_UTF16BE,
  BOM_UTF16LE,
  decodeErrorOf,
  reasonOf,
  utf16be,
} from "./reason-of.js";

const TEXT = '{"event": "client_create", "params": {"NEW_CONTACT_NAME": "Jörg Müller 😀"}}';

describe("detectEncoding", () => {
  it.each([
    ["UTF-8", Buffer.from(TEXT), "utf-8", 0],
    ["UTF-8 with BOM", Buffer.concat([BOM_UTF8, Buffer.from(TEXT)]), "utf-8", 3],
    [
      "UTF-16LE with BOM",
      Buffer.concat([BOM_UTF16LE, Buffer.from(TEXT, "utf16le")]),
      "utf-16le",
      2,
    ],
    ["UTF-16BE with BOM", Buffer.concat([BOM_UTF16BE, utf16be(TEXT)]), "utf-16be", 2],
    ["UTF-16LE without BOM", Buffer.from(TEXT, "utf16le"), "utf-16le", 0],
    ["UTF-16BE without BOM", utf16be(TEXT), "utf-16be", 0],
  ])("recognises %s", (label, bytes, encoding, bomLength) => {
    expect(detectEncoding(bytes)).toEqual({ encoding, bomLength, label });
  });

  it("needs the zero pattern in every one of the first 64 bytes to assume BOM-less UTF-16", () => {
    // A character beyond U+00FF among the first 32 UTF-16 units breaks the pattern: read as UTF-8.
    const early = Buffer.from('{"event":"Ж"}', "utf16le");
    expect(detectEncoding(early).encoding).toBe("utf-8");
    // Past byte 64 the pattern is not looked at.
    const late = Buffer.from(`{"event": "client_create", "params": {"A": "Ж"}}`, "utf16le");
    expect(detectEncoding(late).encoding).toBe("utf-16le");
  });

  it("reads a short file's pattern over the whole file, but needs at least 2 bytes", () => {
    expect(detectEncoding(Buffer.from("{}", "utf16le")).encoding).toBe("utf-16le");
    expect(detectEncoding(Buffer.from([0x7b])).encoding).toBe("utf-8");
    expect(detectEncoding(Buffer.alloc(0)).encoding).toBe("utf-8");
  });

  it("treats all-zero bytes as UTF-8 (no byte is non-zero, so neither UTF-16 pattern holds)", () => {
    expect(detectEncoding(Buffer.alloc(8)).encoding).toBe("utf-8");
  });

  it("refuses UTF-32 by name", () => {
    const le = Buffer.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]);
    const be = Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x7b]);
    expect(reasonOf(() => detectEncoding(le))).toBe(
      "UTF-32LE is not supported (found its byte order mark); use UTF-8",
    );
    expect(reasonOf(() => detectEncoding(be))).toBe(
      "UTF-32BE is not supported (found its byte order mark); use UTF-8",
    );
  });
});

describe("decodeEventText", () => {
  it.each([
    ["UTF-8", Buffer.from(TEXT)],
    ["UTF-8 with BOM", Buffer.concat([BOM_UTF8, Buffer.from(TEXT)])],
    ["UTF-16LE with BOM", Buffer.concat([BOM_UTF16LE, Buffer.from(TEXT, "utf16le")])],
    ["UTF-16BE with BOM", Buffer.concat([BOM_UTF16BE, utf16be(TEXT)])],
    ["UTF-16LE without BOM", Buffer.from(TEXT, "utf16le")],
    ["UTF-16BE without BOM", utf16be(TEXT)],
  ])("decodes %s to the same text, BOM removed", (_, bytes) => {
    expect(decodeEventText(bytes).text).toBe(TEXT);
  });

  it("keeps a real U+FFFD in the input: only invalid bytes are errors", () => {
    expect(decodeEventText(Buffer.from('{"a": "\uFFFD"}')).text).toBe('{"a": "\uFFFD"}');
  });

  it.each([
    ["a stray continuation byte", [0x7b, 0x80, 0x7d], 1],
    ["a truncated sequence", [0x7b, 0x22, 0xc3], 2],
    ["a lead byte followed by ASCII", [0x7b, 0xe2, 0x28, 0xa1], 1],
    ["an overlong encoding of /", [0x7b, 0xc0, 0xaf], 1],
    ["an overlong 3-byte form", [0x7b, 0xe0, 0x80, 0xaf], 1],
    ["a CESU-8 surrogate", [0x7b, 0xed, 0xa0, 0x80], 1],
    ["a code point over U+10FFFF", [0x7b, 0xf4, 0x90, 0x80, 0x80], 1],
    ["an invalid byte 0xFF", [0x7b, 0x7d, 0xff], 2],
  ])("rejects UTF-8 with %s at its byte offset", (_, bytes, offset) => {
    expect(reasonOf(() => decodeEventText(Buffer.from(bytes)))).toBe(
      `invalid UTF-8 at byte offset ${offset}`,
    );
  });

  it("counts the byte offset from the start of the file, BOM included", () => {
    const bytes = Buffer.concat([BOM_UTF8, Buffer.from("{}"), Buffer.from([0xff])]);
    const error = decodeErrorOf(() => decodeEventText(bytes));
    expect(error.reason).toBe("invalid UTF-8 at byte offset 5");
    expect(error.detail).toBe("UTF-8 with BOM");
  });

  it("names the offset of a Latin-1 byte inside a string", () => {
    const bytes = Buffer.concat([
      Buffer.from('{"event": "clien'),
      Buffer.from([0xe9]),
      Buffer.from('t"}'),
    ]);
    expect(reasonOf(() => decodeEventText(bytes))).toBe("invalid UTF-8 at byte offset 16");
  });

  it("rejects an unpaired surrogate in UTF-16LE and UTF-16BE, naming its byte offset", () => {
    const lonely = Buffer.from('{"a":"\uD83D"}', "utf16le");
    expect(reasonOf(() => decodeEventText(Buffer.concat([BOM_UTF16LE, lonely])))).toBe(
      "invalid UTF-16LE: unpaired surrogate at byte offset 14",
    );
    const reversed = utf16be('{"a":"\uDE00\uD83D"}');
    expect(reasonOf(() => decodeEventText(Buffer.concat([BOM_UTF16BE, reversed])))).toBe(
      "invalid UTF-16BE: unpaired surrogate at byte offset 14",
    );
  });

  it("accepts a surrogate pair in UTF-16", () => {
    const bytes = Buffer.concat([BOM_UTF16LE, Buffer.from('{"a":"😀"}', "utf16le")]);
    expect(decodeEventText(bytes).text).toBe('{"a":"😀"}');
  });

  it("rejects UTF-16 with an odd number of bytes", () => {
    const bytes = Buffer.concat([BOM_UTF16LE, Buffer.from("{}", "utf16le"), Buffer.from([0x20])]);
    const error = decodeErrorOf(() => decodeEventText(bytes));
    expect(error.reason).toBe("invalid UTF-16LE: odd number of bytes (7)");
    expect(error.detail).toBe("UTF-16LE with BOM");
  });

  it.each([
    ["nothing", Buffer.alloc(0)],
    ["a UTF-8 BOM only", BOM_UTF8],
    ["a UTF-16LE BOM only", BOM_UTF16LE],
    ["a UTF-16BE BOM only", BOM_UTF16BE],
    ["whitespace only", Buffer.from(" \n\t\r\n")],
  ])("calls a file holding %s empty", (_, bytes) => {
    expect(reasonOf(() => decodeEventText(bytes))).toBe("empty file");
  });
});
