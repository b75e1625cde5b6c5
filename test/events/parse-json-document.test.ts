import { describe, expect, it, vi } from "vitest";
import { locateJsonSyntaxError } from "../../src/events/json-syntax-error.js";
import { parseJsonDocument } from "../../src/events/parse-json-document.js";
import { reasonOf } from "./reason-of.js";

describe("parseJsonDocument", () => {
  it("parses a document; a repeated key keeps its last value", () => {
    expect(parseJsonDocument('{"event": "a", "event": "b"}')).toEqual({ event: "b" });
  });

  it("makes __proto__ an own property, never the prototype", () => {
    const doc = parseJsonDocument('{"__proto__": {"polluted": "yes"}}') as object;
    expect(Object.keys(doc)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(doc)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("survives 100,000 levels of nesting (JSON.parse is not recursive in V8)", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(Array.isArray(parseJsonDocument(deep))).toBe(true);
    // Broken at the bottom: the locator's explicit stack copes too.
    const broken = `${"[".repeat(100_000)}x${"]".repeat(100_000)}`;
    expect(reasonOf(() => parseJsonDocument(broken))).toBe(
      'invalid JSON at line 1 column 100001: unexpected word "x" (strings need double quotes)',
    );
  });

  it("reports an engine that gives up on nesting (RangeError) as too deep", () => {
    const spy = vi.spyOn(JSON, "parse").mockImplementationOnce(() => {
      throw new RangeError("Maximum call stack size exceeded");
    });
    try {
      expect(reasonOf(() => parseJsonDocument("[[[]]]"))).toBe("JSON nesting too deep");
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['{"event": }', 'invalid JSON at line 1 column 11: unexpected "}", expected a value'],
    [
      '{\n  "event": "a",\n  "id": x\n}',
      'invalid JSON at line 3 column 9: unexpected word "x" (strings need double quotes)',
    ],
    [
      "{event: 1}",
      'invalid JSON at line 1 column 2: expected a property name in double quotes, found "e"',
    ],
    [
      "{'event': 1}",
      `invalid JSON at line 1 column 2: expected a property name in double quotes, found "'"`,
    ],
    [
      '{"a": 1,}',
      'invalid JSON at line 1 column 9: expected a property name in double quotes, found "}"',
    ],
    ["[1, 2,]", 'invalid JSON at line 1 column 7: unexpected "]", expected a value'],
    ['{"a" 1}', 'invalid JSON at line 1 column 6: expected ":" after the property name, found "1"'],
    [
      '{"a": 1 "b": 2}',
      'invalid JSON at line 1 column 9: expected "," or "}" after a property value, found "\\""',
    ],
    ["[1 2]", 'invalid JSON at line 1 column 4: expected "," or "]" after a list item, found "2"'],
    ['{"a": 1', "invalid JSON at line 1 column 8: unexpected end of input"],
    ['{"a": "b', "invalid JSON at line 1 column 7: unterminated string"],
    ['{"a": "b\\', "invalid JSON at line 1 column 7: unterminated string"],
    [
      '{"a": "b\nc"}',
      "invalid JSON at line 1 column 9: unescaped control character U+000A in a string",
    ],
    ['{"a": "\\q"}', 'invalid JSON at line 1 column 8: invalid escape "\\\\q" in a string'],
    [
      '{"a": "\\u12"}',
      "invalid JSON at line 1 column 8: invalid \\u escape in a string (needs 4 hex digits)",
    ],
    ['{"a": 01}', "invalid JSON at line 1 column 7: invalid number"],
    ['{"a": 1.}', "invalid JSON at line 1 column 7: invalid number"],
    ['{"a": -}', "invalid JSON at line 1 column 7: invalid number"],
    [
      '{"a": tru}',
      'invalid JSON at line 1 column 7: unexpected word "tru" (strings need double quotes)',
    ],
    [
      '{"a": NaN}',
      'invalid JSON at line 1 column 7: unexpected word "NaN" (strings need double quotes)',
    ],
    ['{"a": 1} {"b": 2}', 'invalid JSON at line 1 column 10: unexpected "{" after the JSON value'],
    ['\uFEFF{"a": 1}', "invalid JSON at line 1 column 1: unexpected U+FEFF, expected a value"],
    ['{"a": "é", "b": ä}', 'invalid JSON at line 1 column 17: unexpected "ä", expected a value'],
    [
      '{"a":\r\n 1,\r\n "b" }',
      'invalid JSON at line 3 column 6: expected ":" after the property name, found "}"',
    ],
  ])("reports %j as %j", (text, reason) => {
    expect(reasonOf(() => parseJsonDocument(text))).toBe(reason);
  });
});

describe("locateJsonSyntaxError", () => {
  it.each([
    '{"event": "client_create", "params": {"A": "1", "B": [true, false, null, -1.5e+3]}}',
    '  "just a string"  ',
    "0",
    '["\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"]',
  ])("finds nothing wrong in valid JSON %j", (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(locateJsonSyntaxError(text)).toBeUndefined();
  });
});
