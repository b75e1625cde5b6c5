import { describe, expect, it } from "vitest";
import type { EventFileMeta } from "../../src/events/event.js";
import { validateEvent } from "../../src/events/validate-event.js";
import { reasonOf } from "./reason-of.js";

const META: EventFileMeta = {
  fileName: "1764324000000-42-ab12.json",
  mtime: new Date("2026-11-28T10:00:00.000Z"),
  maxBytes: 1024 * 1024,
};

const reason = (doc: unknown) => reasonOf(() => validateEvent(doc, META));

describe("validateEvent", () => {
  it("builds the event with defaults from the file: id from the name, time from the mtime", () => {
    const event = validateEvent({ event: "client_create", params: { NEW_LOGIN_NAME: "j" } }, META);
    expect(event).toEqual({
      event: "client_create",
      id: undefined,
      eventId: "1764324000000-42-ab12",
      occurredAt: "2026-11-28T10:00:00.000Z",
      key: undefined,
      params: { NEW_LOGIN_NAME: "j" },
      file: "1764324000000-42-ab12.json",
    });
    expect(Object.getPrototypeOf(event.params)).toBeNull();
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.params)).toBe(true);
  });

  it("takes id, key and occurred_at from the document", () => {
    const event = validateEvent(
      { event: "a", id: "order-1", key: "k", occurred_at: "2026-11-28T11:00:00+01:00" },
      META,
    );
    expect(event).toMatchObject({
      id: "order-1",
      eventId: "order-1",
      key: "k",
      occurredAt: "2026-11-28T10:00:00.000Z",
    });
  });

  it("reads YAML maps (Map instances) like JSON objects", () => {
    const doc = new Map<unknown, unknown>([
      ["event", "a"],
      ["id", 12345],
      ["params", new Map<unknown, unknown>([["NEW_X", 1]])],
    ]);
    expect(validateEvent(doc, META)).toMatchObject({ id: "12345", params: { NEW_X: "1" } });
  });

  it("has no params when the document has none", () => {
    expect(validateEvent({ event: "a" }, META).params).toEqual({});
  });

  it("strips .yaml and .yml from the default event id", () => {
    expect(validateEvent({ event: "a" }, { ...META, fileName: "x.y.yaml" }).eventId).toBe("x.y");
    expect(validateEvent({ event: "a" }, { ...META, fileName: "z.yml" }).eventId).toBe("z");
  });

  it.each([
    [null, 'the document is empty; expected a map with "event" and optional "params"'],
    [["event", "a"], 'the top level must be a map with "event" and optional "params", got a list'],
    [
      "client_create",
      'the top level must be a map with "event" and optional "params", got a string',
    ],
    [
      { evnt: "a" },
      'unknown key "evnt" (allowed: event, id, occurred_at, key, params); did you mean "event"?',
    ],
    [
      { event: "a", parms: {} },
      'unknown key "parms" (allowed: event, id, occurred_at, key, params); did you mean "params"?',
    ],
    [
      { event: "a", handler: "x" },
      'unknown key "handler" (allowed: event, id, occurred_at, key, params)',
    ],
    [
      JSON.parse('{"event": "a", "__proto__": {}}'),
      'unknown key "__proto__" (allowed: event, id, occurred_at, key, params)',
    ],
    [{}, 'missing "event" (the event id, e.g. "client_create")'],
    [{ event: 7 }, '"event" must be a string, got a number'],
    [{ event: null }, '"event" must be a string, got null'],
    [
      { event: "Client-Create" },
      'event "Client-Create" is not a valid event id (expected ^[a-z][a-z0-9_]{0,63}$)',
    ],
    [
      { event: "a".repeat(65) },
      `event "${"a".repeat(60)}…" is not a valid event id (expected ^[a-z][a-z0-9_]{0,63}$)`,
    ],
    [{ event: "a", id: "" }, '"id" is empty (leave it out instead)'],
    [{ event: "a", id: ["x"] }, '"id" must be a string, got a list'],
    [{ event: "a", id: true }, '"id" must be a string, got a boolean'],
    [{ event: "a", id: "x".repeat(257) }, '"id" is 257 characters long, over the 256 limit'],
    [{ event: "a", id: "a\nb" }, '"id" contains a control character (U+000A)'],
    [{ event: "a", key: null }, '"key" must be a string, got null'],
    [{ event: "a", key: "\u0000" }, '"key" contains a control character (U+0000)'],
    [
      { event: "a", id: "x\ud800" },
      '"id" contains an unpaired surrogate (\\ud800 escape without its pair)',
    ],
    [
      { event: "a", key: "\udfffy" },
      '"key" contains an unpaired surrogate (\\udfff escape without its pair)',
    ],
    [{ event: "a", params: ["A=1"] }, '"params" must be a map of NAME: value, got a list'],
    [{ event: "a", params: null }, '"params" must be a map of NAME: value, got null'],
    [{ event: "a", params: "A=1" }, '"params" must be a map of NAME: value, got a string'],
  ])("refuses %j: %s", (doc, expected) => {
    expect(reason(doc)).toBe(expected);
  });

  it("accepts the maximum id length", () => {
    expect(validateEvent({ event: "a", id: "x".repeat(256) }, META).id).toHaveLength(256);
  });

  it("accepts a 64-character event id", () => {
    expect(validateEvent({ event: "a".repeat(64) }, META).event).toHaveLength(64);
  });
});

describe("params", () => {
  const params = (value: unknown) => validateEvent({ event: "a", params: value }, META).params;
  const paramsReason = (value: unknown) => reason({ event: "a", params: value });

  it("turns numbers and booleans into their String() text", () => {
    expect(params({ A: 1, B: 1.5, C: -0, D: true, E: false, F: 1e21, G: "x" })).toEqual({
      A: "1",
      B: "1.5",
      C: "0",
      D: "true",
      E: "false",
      F: "1e+21",
      G: "x",
    });
  });

  // SPEC §2: only the EVH_ prefix is reserved. Names such as LD_PRELOAD are
  // data: they never become environment variables (SPEC §4, build-env.ts).
  it("accepts any well-formed name but EVH_*, environment-like ones included", () => {
    const names = ["LD_PRELOAD", "PATH", "HOME", "BASH_ENV", "LC_ALL", "IFS", "PYTHONWARNINGS"];
    const value = Object.fromEntries(names.map((name) => [name, "/tmp/evil.so"]));
    expect(Object.keys(params(value))).toEqual(names);
  });

  it("keeps the empty string and any Unicode", () => {
    expect(params({ A: "", B: "Jörg Müller 😀", C: "line\nbreak\ttab" })).toEqual({
      A: "",
      B: "Jörg Müller 😀",
      C: "line\nbreak\ttab",
    });
  });

  it.each([
    [{ new_login: "x" }, 'param "new_login" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [{ "NEW-LOGIN": "x" }, 'param "NEW-LOGIN" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [{ _X: "x" }, 'param "_X" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [{ "1X": "x" }, 'param "1X" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [{ "": "x" }, 'param "" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [{ "A\u0000": "x" }, 'param "A\\u0000" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)'],
    [
      JSON.parse('{"__proto__": "x"}'),
      'param "__proto__" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)',
    ],
    [
      { ["A".repeat(257)]: "x" },
      `param name "${"A".repeat(60)}…" is 257 characters long, over the 256 limit`,
    ],
    [
      { EVH_EVENT: "x" },
      "param EVH_EVENT uses the reserved prefix EVH_ (evh sets EVH_* variables itself)",
    ],
    [{ NEW_X: ["a"] }, "param NEW_X value is a list; values must be strings, numbers or booleans"],
    [
      { NEW_X: { a: 1 } },
      "param NEW_X value is a map; values must be strings, numbers or booleans",
    ],
    [{ NEW_X: null }, "param NEW_X value is null; values must be strings, numbers or booleans"],
    [{ NEW_X: "a\u0000b" }, "param NEW_X value contains a NUL character"],
    [
      { NEW_X: "a\ud83d" },
      "param NEW_X value contains an unpaired surrogate (\\ud83d escape without its pair)",
    ],
    [
      { NEW_X: "\ude00\ud83d" },
      "param NEW_X value contains an unpaired surrogate (\\ude00 escape without its pair)",
    ],
  ])("refuses %j: %s", (value, expected) => {
    expect(paramsReason(value)).toBe(expected);
  });

  it("refuses a YAML map as a value, and a list as a key", () => {
    expect(paramsReason(new Map([["NEW_X", new Map()]]))).toBe(
      "param NEW_X value is a map; values must be strings, numbers or booleans",
    );
    expect(paramsReason(new Map([[["a"], "x"]]))).toBe(
      "a key in params is a list; keys must be names",
    );
  });

  it("refuses YAML keys that read the same once stringified", () => {
    expect(
      paramsReason(
        new Map<unknown, unknown>([
          [1, "a"],
          ["1", "b"],
        ]),
      ),
    ).toBe('duplicate key "1" in params');
  });

  it("takes 1,000 params and refuses 1,001", () => {
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`P${i}`, "v"]));
    expect(Object.keys(params(many(1000)))).toHaveLength(1000);
    expect(paramsReason(many(1001))).toBe("too many params (1001); the limit is 1000");
  });

  it("takes a 64 KiB value and refuses one byte more, counting UTF-8 bytes", () => {
    expect(params({ A: "x".repeat(65536) }).A).toHaveLength(65536);
    expect(paramsReason({ A: "x".repeat(65537) })).toBe(
      "param A value is 65537 bytes, over the 65536-byte limit",
    );
    // 33,000 × "é": only 33,000 characters, but 66,000 bytes in UTF-8.
    expect(paramsReason({ A: "é".repeat(33_000) })).toBe(
      "param A value is 64.5 KiB, over the 64 KiB limit",
    );
    expect(paramsReason({ A: "x".repeat(70_000) })).toBe(
      "param A value is 68.4 KiB, over the 64 KiB limit",
    );
  });
});

describe("occurred_at", () => {
  const at = (value: unknown) => validateEvent({ event: "a", occurred_at: value }, META).occurredAt;
  const atReason = (value: unknown) => reason({ event: "a", occurred_at: value });

  it.each([
    ["2026-11-28T10:00:00Z", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28T10:00:00.123456Z", "2026-11-28T10:00:00.123Z"],
    ["2026-11-28t10:00:00z", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28 10:00:00Z", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28T10:00Z", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28T12:30:00+02:30", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28T05:00:00-0500", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28T11:00:00+01", "2026-11-28T10:00:00.000Z"],
    ["2026-11-28", "2026-11-28T00:00:00.000Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["0050-01-01T00:00:00Z", "0050-01-01T00:00:00.000Z"],
  ])("reads %s as %s", (value, iso) => {
    expect(at(value)).toBe(iso);
  });

  it.each([
    [
      1764324000000,
      '"occurred_at" must be an ISO-8601 date-time string like "2026-11-28T10:00:00Z", got a number',
    ],
    [
      null,
      '"occurred_at" must be an ISO-8601 date-time string like "2026-11-28T10:00:00Z", got null',
    ],
    [
      "yesterday",
      '"occurred_at" "yesterday" is not an ISO-8601 date-time like "2026-11-28T10:00:00Z"',
    ],
    [
      "28.11.2026",
      '"occurred_at" "28.11.2026" is not an ISO-8601 date-time like "2026-11-28T10:00:00Z"',
    ],
    [
      "2026-11-28T10:00:00",
      '"occurred_at" "2026-11-28T10:00:00" has no time zone (add Z or an offset like +01:00)',
    ],
    ["2026-02-30T00:00:00Z", '"occurred_at" "2026-02-30T00:00:00Z" is not a real date and time'],
    ["2027-02-29", '"occurred_at" "2027-02-29" is not a real date and time'],
    ["2026-13-01", '"occurred_at" "2026-13-01" is not a real date and time'],
    ["2026-11-28T24:00:00Z", '"occurred_at" "2026-11-28T24:00:00Z" is not a real date and time'],
    ["2026-11-28T10:60:00Z", '"occurred_at" "2026-11-28T10:60:00Z" is not a real date and time'],
    [
      "2026-11-28T10:00:00+25:00",
      '"occurred_at" "2026-11-28T10:00:00+25:00" is not a real date and time',
    ],
  ])("refuses %j", (value, expected) => {
    expect(atReason(value)).toBe(expected);
  });
});
