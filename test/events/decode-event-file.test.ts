import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeEventFile } from "../../src/events/decode-event-file.js";
import type { EventFileMeta } from "../../src/events/event.js";
import {
  BOM_UTF8,
  BOM_UTF16BE,
  BOM_UTF16LE,
  decodeErrorOf,
  reasonOf,
  utf16be,
} from "./reason-of.js";

const MTIME = new Date("2026-11-28T09:00:00.000Z");
const meta = (fileName: string, maxBytes = 1024 * 1024): EventFileMeta => ({
  fileName,
  mtime: MTIME,
  maxBytes,
});
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url));

describe("decodeEventFile", () => {
  it("decodes the spec's example", () => {
    expect(decodeEventFile(fixture("client-create.json"), meta("client-create.json"))).toEqual({
      event: "client_create",
      id: "optional-unique-id",
      eventId: "optional-unique-id",
      occurredAt: "2026-11-28T10:00:00.000Z",
      key: "optional ordering key",
      params: { NEW_CONTACT_NAME: "Jörg Müller", NEW_LOGIN_NAME: "jmueller" },
      file: "client-create.json",
    });
  });

  it("decodes YAML with the core schema and stringified numbers", () => {
    const event = decodeEventFile(fixture("domain-create.yaml"), meta("1-2-x.yaml"));
    expect(event).toMatchObject({
      event: "domain_create",
      eventId: "1-2-x",
      occurredAt: "2026-11-28T09:00:00.000Z",
      params: {
        NEW_DOMAIN_NAME: "пример.рф",
        NEW_IP_ADDRESS: "203.0.113.7",
        NEW_SSL: "yes",
        NEW_PORT: "8443",
      },
    });
  });

  it.each([
    ["UTF-8 with BOM", (t: string) => Buffer.concat([BOM_UTF8, Buffer.from(t)])],
    ["UTF-16LE with BOM", (t: string) => Buffer.concat([BOM_UTF16LE, Buffer.from(t, "utf16le")])],
    ["UTF-16BE with BOM", (t: string) => Buffer.concat([BOM_UTF16BE, utf16be(t)])],
    ["UTF-16LE without BOM", (t: string) => Buffer.from(t, "utf16le")],
    ["UTF-16BE without BOM", (t: string) => utf16be(t)],
  ])("decodes JSON and YAML written in %s", (_, encode) => {
    const json = '{"event": "client_create", "params": {"NEW_CONTACT_NAME": "Jörg Müller"}}';
    const yaml = "event: client_create\nparams:\n  NEW_CONTACT_NAME: Jörg Müller\n";
    for (const [text, name] of [
      [json, "e.json"],
      [yaml, "e.yaml"],
    ] as const) {
      expect(decodeEventFile(encode(text), meta(name)).params).toEqual({
        NEW_CONTACT_NAME: "Jörg Müller",
      });
    }
  });

  it("checks the size first, on the raw bytes", () => {
    const big = Buffer.alloc(2.1 * 1024 * 1024, 0xff);
    expect(reasonOf(() => decodeEventFile(big, meta("x.txt")))).toBe(
      "file is 2.1 MiB, over the 1 MiB limit (max_event_size)",
    );
  });

  it("takes a file of exactly max_event_size and refuses one byte more", () => {
    // Trailing whitespace is valid JSON: a cheap way to reach an exact size.
    const sized = (size: number) => Buffer.from('{"event": "a"}'.padEnd(size, " "));
    const limit = 1024 * 1024;
    expect(decodeEventFile(sized(limit), meta("a.json", limit)).event).toBe("a");
    expect(reasonOf(() => decodeEventFile(sized(limit + 1), meta("a.json", limit)))).toBe(
      "file is 1048577 bytes, over the 1048576-byte limit (max_event_size)",
    );
    expect(reasonOf(() => decodeEventFile(sized(3000), meta("a.json", 2048)))).toBe(
      "file is 2.9 KiB, over the 2 KiB limit (max_event_size)",
    );
  });

  it("refuses names without an event extension", () => {
    const error = decodeErrorOf(() => decodeEventFile(Buffer.from("{}"), meta("x.txt")));
    expect(error.reason).toBe("unsupported file type");
    expect(error.detail).toBe("event files are named *.json, *.yaml or *.yml");
  });

  it("parses by extension: a .yaml file may hold JSON, a .json file may not hold YAML", () => {
    const json = Buffer.from('{"event": "a"}');
    expect(decodeEventFile(json, meta("x.yaml")).event).toBe("a");
    expect(reasonOf(() => decodeEventFile(Buffer.from("event: a\n"), meta("x.json")))).toBe(
      'invalid JSON at line 1 column 1: unexpected word "event" (strings need double quotes)',
    );
  });

  it("says in the detail how the file was read", () => {
    const bytes = Buffer.concat([BOM_UTF16LE, Buffer.from("{oops}", "utf16le")]);
    const error = decodeErrorOf(() => decodeEventFile(bytes, meta("x.json")));
    expect(error.reason).toBe(
      'invalid JSON at line 1 column 2: expected a property name in double quotes, found "o"',
    );
    expect(error.detail).toBe("read as JSON, UTF-16LE with BOM");
    const yamlError = decodeErrorOf(() =>
      decodeEventFile(Buffer.from("event: A\n"), meta("x.yml")),
    );
    expect(yamlError.detail).toBe("read as YAML, UTF-8");
  });

  it.each([
    [
      "python-tag.yaml",
      'YAML tags are not allowed (found "!!python/object/apply:os.system" at line 3 column 19)',
    ],
    ["billion-laughs.yaml", "YAML aliases expand too much (more than 100 expansions)"],
    ["two-documents.yaml", "more than one YAML document (the second starts at line 3)"],
  ])("refuses the fixture %s", (name, expected) => {
    expect(reasonOf(() => decodeEventFile(fixture(name), meta(name)))).toBe(expected);
  });

  it("keeps the last of repeated JSON keys", () => {
    const text = '{"event": "a", "params": {"A": "first", "A": "last"}}';
    expect(decodeEventFile(Buffer.from(text), meta("x.json")).params).toEqual({ A: "last" });
  });

  it("refuses repeated YAML keys", () => {
    const text = "event: a\nparams:\n  A: first\n  A: last\n";
    expect(reasonOf(() => decodeEventFile(Buffer.from(text), meta("x.yaml")))).toBe(
      'duplicate key "A" at line 4 column 3',
    );
  });

  it.each([
    ["event: a\nevent: b\n", 'duplicate key "event" at line 2 column 1'],
    ["event: a\nparams:\n  NEW_A: 1\n  NEW_A: 2\n", 'duplicate key "NEW_A" at line 4 column 3'],
    ['"event": a\n"event": b\n', 'duplicate key "event" at line 2 column 1'],
    ["{event: a, event: b}", 'duplicate key "event" at line 1 column 12'],
    ["event: a\n&k event: b\n", 'duplicate key "event" at line 2 column 4'],
  ])("names the whole repeated YAML key in %j", (text, expected) => {
    expect(reasonOf(() => decodeEventFile(Buffer.from(text), meta("x.yaml")))).toBe(expected);
  });

  it("cannot pollute Object.prototype through __proto__, in JSON or YAML", () => {
    const json = '{"event": "a", "params": {"__proto__": {"polluted": "yes"}}}';
    expect(reasonOf(() => decodeEventFile(Buffer.from(json), meta("x.json")))).toBe(
      'param "__proto__" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)',
    );
    const yaml = "event: a\nparams:\n  __proto__:\n    polluted: yes\n";
    expect(reasonOf(() => decodeEventFile(Buffer.from(yaml), meta("x.yaml")))).toBe(
      'param "__proto__" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a NUL in a value, written as a JSON escape or a YAML escape", () => {
    const json = '{"event": "a", "params": {"A": "x\\u0000y"}}';
    expect(reasonOf(() => decodeEventFile(Buffer.from(json), meta("x.json")))).toBe(
      "param A value contains a NUL character",
    );
    const yaml = 'event: a\nparams: {A: "x\\0y"}\n';
    expect(reasonOf(() => decodeEventFile(Buffer.from(yaml), meta("x.yaml")))).toBe(
      "param A value contains a NUL character",
    );
  });

  it("refuses an unpaired surrogate spelt as an escape, and takes a pair", () => {
    const json = '{"event": "a", "params": {"A": "x\\ud800y"}}';
    expect(reasonOf(() => decodeEventFile(Buffer.from(json), meta("x.json")))).toBe(
      "param A value contains an unpaired surrogate (\\ud800 escape without its pair)",
    );
    const yaml = 'event: a\nparams: {A: "\\udc00"}\n';
    expect(reasonOf(() => decodeEventFile(Buffer.from(yaml), meta("x.yaml")))).toBe(
      "param A value contains an unpaired surrogate (\\udc00 escape without its pair)",
    );
    const pair = '{"event": "a", "params": {"A": "\\ud83d\\ude00"}}';
    expect(decodeEventFile(Buffer.from(pair), meta("x.json")).params.A).toBe("\u{1f600}");
  });

  it("refuses a megabyte of nesting cleanly in both formats", () => {
    const deep = Buffer.from("[".repeat(512 * 1024) + "]".repeat(512 * 1024));
    expect(reasonOf(() => decodeEventFile(deep, meta("x.json")))).toBe(
      'the top level must be a map with "event" and optional "params", got a list',
    );
    expect(reasonOf(() => decodeEventFile(deep, meta("x.yaml")))).toBe(
      "YAML nesting deeper than 32 levels at line 1 column 33",
    );
  });

  it("calls a file of only comments an empty document", () => {
    expect(reasonOf(() => decodeEventFile(Buffer.from("# nothing\n"), meta("x.yaml")))).toBe(
      'the document is empty; expected a map with "event" and optional "params"',
    );
  });
});
