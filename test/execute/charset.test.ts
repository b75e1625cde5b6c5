import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeText, encodeText, isUtf8 } from "../../src/execute/charset.js";

/** Byte sequences where decoders disagree if they ever do: invalid, overlong, cut, surrogates, BOMs. */
const TRICKY_BYTES = [
  "",
  "41",
  "efbbbf41",
  "efbbbf",
  "efbb",
  "41efbbbf42",
  "efbbbfefbbbf41",
  "c3",
  "41c3",
  "c328",
  "80",
  "bfbf41",
  "c0af",
  "c1bf",
  "e080af",
  "eda080",
  "edbfbf41",
  "f08f",
  "f0908080",
  "f09080",
  "f0",
  "f4908080",
  "f5",
  "f8888080",
  "fe",
  "ff41",
  "e282",
  "e28241",
  "d0b6e282ac",
  "00",
];

describe("decodeText", () => {
  it("gives exactly what iconv-lite gives for UTF-8, invalid and cut bytes included", () => {
    for (const hex of TRICKY_BYTES) {
      const bytes = Buffer.from(hex, "hex");
      for (const encoding of ["utf-8", "UTF8", "utf8"]) {
        expect([hex, decodeText(bytes, encoding)]).toEqual([hex, iconv.decode(bytes, "utf-8")]);
      }
    }
  });

  it("gives exactly what iconv-lite gives for random bytes", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed >>> 8;
    };
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (next() % 40) }, () => next() & 0xff));
      expect(decodeText(bytes, "utf-8")).toBe(iconv.decode(bytes, "utf-8"));
    }
  });

  it("decodes other charsets with iconv-lite, and an unknown one as UTF-8", () => {
    expect(decodeText(Buffer.from([0xcf, 0xf0, 0xe8]), "cp1251")).toBe("При");
    expect(decodeText(Buffer.from("Жx", "utf8"), "no-such-charset")).toBe("Жx");
  });
});

describe("encodeText", () => {
  it("gives exactly what iconv-lite gives for UTF-8, lone surrogates included", () => {
    for (const text of ["", "a", "Jörg Müller", "😀", "\ud800", "a\ud83d", "\udc00b", "\ufeffx"]) {
      expect(encodeText(text, "utf-8")).toEqual(iconv.encode(text, "utf-8"));
      expect(encodeText(text, "UTF8")).toEqual(iconv.encode(text, "UTF8"));
    }
  });

  it("encodes other charsets with iconv-lite and refuses an unknown one", () => {
    expect(encodeText("При", "cp1251")).toEqual(Buffer.from([0xcf, 0xf0, 0xe8]));
    expect(() => encodeText("x", "no-such-charset")).toThrow();
  });
});

describe("isUtf8", () => {
  it("knows UTF-8 by its usual spellings only", () => {
    expect(["utf-8", "UTF-8", "utf8", "Utf8"].every(isUtf8)).toBe(true);
    expect(["cp1251", "utf-16le", "latin1", "utf-88", "xutf8"].some(isUtf8)).toBe(false);
  });
});
