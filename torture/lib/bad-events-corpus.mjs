/**
 * The corpus of torture:bad-events: hundreds of distinct bad inputs for
 * spool/new/, each with the outcome SPEC §2 prescribes.
 *
 * A case is `{ id, name, expect, bytes | make | drop }`:
 * - `name`: the file name it gets in new/ (unique per case);
 * - `bytes`: its content, dropped the safe way (tmp/, then rename);
 *   `make(file)`: creates something else at that path (symlink, FIFO, ...);
 *   `drop(root, name)`: drops it some other way (slow pieces, races);
 * - `expect`: a RegExp the sidecar `reason` must match (the file ends in
 *   failed/; with `noSidecar`, a name too long for one, the logged reason),
 *   `"ignored"` (left alone in new/, SPEC: hidden names),
 *   `"handled"` (it is a valid event: its handler runs), or `"any"` (a
 *   race: handled, quarantined with a reason, or gone, but never stuck).
 */
import { execFileSync } from "node:child_process";
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import net from "node:net";
import { sleep } from "./harness.mjs";

const GOOD = { event: "client_create", params: { NEW_LOGIN_NAME: "jdoe" } };
const INVALID_JSON = /^invalid JSON at line \d+ column \d+: /;
const INVALID_YAML = /^invalid YAML at line \d+ column \d+: /;
const NOT_A_MAP = /^the top level must be a map with "event" and optional "params", got /;
const NOT_REGULAR = (kind) => new RegExp(`^not a regular file: ${kind}$`);

/** Node has no mkfifo binding; mkfifo(1) is in coreutils. */
function mkfifo(file) {
  execFileSync("mkfifo", [file]);
}

export function buildBadEventCorpus() {
  const cases = [];
  const add = (id, ext, expect, content) => {
    cases.push({
      id,
      name: `${String(cases.length).padStart(3, "0")}-${id}${ext}`,
      expect,
      ...content,
    });
  };
  const json = (id, text, expect) => add(id, ".json", expect, { bytes: Buffer.from(text) });
  const yaml = (id, text, expect) => add(id, ".yaml", expect, { bytes: Buffer.from(text) });
  const raw = (id, ext, bytes, expect) => add(id, ext, expect, { bytes: Buffer.from(bytes) });
  const event = (id, doc, expect) => json(id, JSON.stringify(doc), expect);

  // Truncated JSON: every third prefix of a valid event (cuts inside "ö" are invalid UTF-8 first).
  const full = JSON.stringify({
    event: "client_create",
    id: "trunc",
    params: { NEW_LOGIN_NAME: "jdoe", NEW_CONTACT_NAME: "Jörg Müller" },
  });
  const fullBytes = Buffer.from(full);
  for (let cut = 1; cut < fullBytes.length; cut += 3) {
    raw(
      `json-truncated-${cut}`,
      ".json",
      fullBytes.subarray(0, cut),
      /^invalid (JSON at line 1 column \d+: |UTF-8 at byte offset \d+$)/,
    );
  }
  // Truncated YAML, flow style: no prefix of it is a complete document.
  const flow = "{event: client_create, params: {NEW_LOGIN_NAME: jdoe, NEW_DOMAIN_NAME: a.example}}";
  for (let cut = 1; cut < flow.length; cut += 4) {
    yaml(`yaml-flow-truncated-${cut}`, flow.slice(0, cut), /^invalid YAML at line 1 column \d+: /);
  }
  // Truncated block YAML at points where what is left is not an event.
  yaml(
    "yaml-block-cut-in-quote",
    'event: client_create\nparams:\n  NEW_LOGIN_NAME: "jd',
    INVALID_YAML,
  );
  yaml("yaml-block-cut-in-key", "event: client_create\npar", INVALID_YAML);
  yaml(
    "yaml-block-cut-after-params",
    "event: client_create\nparams:\n  NEW_LOGIN_NAME",
    /^"params" must be a map of NAME: value, got a string$/,
  );
  yaml("yaml-block-cut-in-event-key", "eve", NOT_A_MAP);
  yaml("yaml-block-cut-after-colon", "event:", /^"event" must be a string, got null$/);

  // Invalid JSON.
  const badJson = {
    "trailing-comma-object": '{"event":"client_create",}',
    "trailing-comma-array": '{"event":"client_create","params":{"A":[1,]}}',
    "single-quotes": "{'event':'client_create'}",
    "unquoted-key": '{event:"client_create"}',
    "line-comment": '{"event":"client_create"} // note',
    "block-comment": '/* c */ {"event":"client_create"}',
    nan: '{"event":"client_create","params":{"NEW_X":NaN}}',
    infinity: '{"event":"client_create","params":{"NEW_X":Infinity}}',
    "leading-zero": '{"event":"client_create","params":{"NEW_X":0123}}',
    hex: '{"event":"client_create","params":{"NEW_X":0x10}}',
    undefined: '{"event":"client_create","params":{"NEW_X":undefined}}',
    "two-values": '{"event":"client_create"}{"event":"client_create"}',
    "garbage-after": '{"event":"client_create"} x',
    "garbage-before": 'x {"event":"client_create"}',
    "unterminated-string": '{"event":"client_create',
    "bad-escape": '{"event":"client\\xcreate"}',
    "raw-newline-in-string": '{"event":"client_create","params":{"NEW_X":"a\nb"}}',
    "raw-tab-in-string": '{"event":"client_create","params":{"NEW_X":"a\tb"}}',
    "missing-colon": '{"event" "client_create"}',
    "missing-value": '{"event":}',
    "lone-comma": "{,}",
    "mismatched-brackets": '{"event":"client_create"]',
    "double-comma": '{"event":"client_create",,"id":"x"}',
    "plus-number": '{"event":"client_create","params":{"NEW_X":+1}}',
    "python-true": '{"event":"client_create","params":{"NEW_X":True}}',
    "only-open-brace": "{",
    "only-close-brace": "}",
  };
  for (const [id, text] of Object.entries(badJson)) json(`json-${id}`, text, INVALID_JSON);

  // Invalid YAML.
  yaml("yaml-tab-indent", "event: client_create\nparams:\n\tNEW_LOGIN_NAME: jdoe", INVALID_YAML);
  yaml("yaml-bad-indent", "event: client_create\nparams:\n    A: 1\n  B: 2", INVALID_YAML);
  yaml("yaml-unclosed-single-quote", "event: 'client_create", INVALID_YAML);
  yaml("yaml-unclosed-flow-seq", "event: [client_create", INVALID_YAML);
  yaml("yaml-value-value", "event: client_create: x", INVALID_YAML);
  yaml(
    "yaml-duplicate-top-key",
    "event: client_create\nevent: domain_create",
    /^duplicate key "event" at line 2 column 1$/,
  );
  yaml(
    "yaml-duplicate-param",
    "event: client_create\nparams:\n  NEW_A: 1\n  NEW_A: 2",
    /^duplicate key "NEW_A" at line 4 column 3$/,
  );
  yaml(
    "yaml-python-tag",
    'event: client_create\nparams: !!python/object/apply:os.system ["id"]',
    /^YAML tags are not allowed \(found "!!python\/object\/apply:os.system" at line 2 column 9\)$/,
  );
  yaml(
    "yaml-local-tag",
    "event: !foo client_create",
    /^YAML tags are not allowed \(found "!foo" at line 1 column 8\)$/,
  );
  yaml(
    "yaml-binary-tag",
    "event: client_create\nparams:\n  NEW_A: !!binary aGVsbG8=",
    /^YAML tags are not allowed/,
  );
  yaml("yaml-str-tag", "event: !!str client_create", /^YAML tags are not allowed/);
  yaml(
    "yaml-directive",
    "%YAML 1.1\n---\nevent: client_create",
    /^YAML directives are not allowed \(found "%YAML 1.1" at line 1 column 1\)$/,
  );
  yaml(
    "yaml-tag-directive",
    "%TAG ! tag:x,2000:\n---\nevent: client_create",
    /^YAML directives are not allowed/,
  );
  yaml(
    "yaml-two-documents",
    "event: client_create\n---\nevent: domain_create",
    /^more than one YAML document \(the second starts at line 2\)$/,
  );
  yaml(
    "yaml-junk-after-end",
    "event: client_create\n...\njunk: [",
    /^more than one YAML document \(the second starts at line 3\)$/,
  );
  yaml(
    "yaml-dangling-alias",
    "event: client_create\nparams:\n  NEW_A: *nope",
    /^invalid YAML: Unresolved alias .*: nope$/,
  );
  yaml("yaml-merge-key", "base: &b {event: client_create}\n<<: *b", /^unknown key "base"/);
  yaml(
    "yaml-complex-key",
    "? [a, b]\n: c\nevent: client_create",
    /^a key in the top level is a list; keys must be names$/,
  );
  yaml("yaml-null-key", "~: x\nevent: client_create", /^unknown key/);
  yaml(
    "yaml-numeric-param-name",
    "event: client_create\nparams:\n  1: a",
    /^param "1" is not a valid name/,
  );
  // An anchor on a key is legal YAML: NEW_A is the string "event".
  yaml("yaml-anchor-on-key", "&a event: client_create\nparams: {NEW_A: *a}", "handled");
  yaml(
    "yaml-block-scalar-event",
    "event: |\n  client_create\n",
    /^event "client_create\\n" is not a valid event id/,
  );
  yaml(
    "yaml-only-comment",
    "# nothing here\n",
    /^the document is empty; expected a map with "event" and optional "params"$/,
  );
  yaml("yaml-document-end-only", "...\n", /^the document is empty; expected/);
  yaml("yaml-sequence-top", "- event: client_create", /^the top level must be a map .*got a list$/);

  // Alias bombs and amplification.
  const laughs = ['lol: &a0 "lol"'];
  for (let i = 1; i <= 9; i++) {
    laughs.push(
      `l${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  }
  yaml(
    "yaml-billion-laughs",
    `${laughs.join("\n")}\nevent: client_create`,
    /^YAML aliases expand too much \(more than 100 expansions\)$/,
  );
  yaml(
    "yaml-laughs-in-params",
    `event: client_create\nparams:\n  NEW_A: &a [x, x, x, x, x, x, x, x, x, x]\n  NEW_B: &b [${Array(10).fill("*a").join(", ")}]\n  NEW_C: [${Array(10).fill("*b").join(", ")}]`,
    /^YAML aliases expand too much/,
  );
  yaml(
    "yaml-101-aliases",
    `event: &e client_create\nparams:\n${Array.from({ length: 101 }, (_, i) => `  NEW_P${i}: *e`).join("\n")}`,
    /^YAML aliases expand too much/,
  );
  yaml(
    "yaml-99-aliases",
    `event: &e client_create\nparams:\n${Array.from({ length: 99 }, (_, i) => `  NEW_P${i}: *e`).join("\n")}`,
    "handled",
  );
  // 40 aliases of a 60 KB string: a 61 KB file that becomes 2.4 MB of environment (over execve's limit).
  yaml(
    "yaml-alias-env-amplification",
    `event: client_create\nparams:\n  NEW_BIG: &big "${"x".repeat(60_000)}"\n${Array.from({ length: 40 }, (_, i) => `  NEW_COPY${i}: *big`).join("\n")}`,
    /^handler rec failed: cannot execute \S+record-run\.sh: argument list too long \(E2BIG\)$/,
  );

  // Deep nesting.
  json(
    "json-deep-open-arrays",
    "[".repeat(200_000),
    /^invalid JSON at line 1 column 200001: unexpected end of input$/,
  );
  json(
    "json-deep-open-objects",
    '{"a":'.repeat(150_000),
    /^invalid JSON at line 1 column 750001: unexpected end of input$/,
  );
  json(
    "json-deep-closed-arrays",
    `{"event":"client_create","params":{"NEW_A":${"[".repeat(50_000)}${"]".repeat(50_000)}}}`,
    /^param NEW_A value is a list/,
  );
  json(
    "json-deep-params",
    `{"event":"client_create","params":${'{"A":'.repeat(1000)}1${"}".repeat(1000)}}`,
    /^param A value is a map/,
  );
  yaml(
    "yaml-deep-flow-seq",
    "[".repeat(200_000),
    /^YAML nesting deeper than 32 levels at line 1 column 33$/,
  );
  yaml("yaml-deep-flow-map", "{a: ".repeat(100_000), /^YAML nesting deeper than 32 levels/);
  yaml(
    "yaml-deep-block-seq",
    `event: client_create\nparams: ${"- ".repeat(100)}x`,
    /^YAML nesting deeper than 32 levels/,
  );
  yaml(
    "yaml-deep-indentation",
    `event: client_create\nparams:\n${Array.from({ length: 300 }, (_, i) => `${" ".repeat(2 * i + 2)}K${i}:`).join("\n")} x`,
    /^param K0 value is a map/,
  );
  yaml(
    "yaml-deep-closed",
    `event: client_create\nparams: {NEW_A: ${"[".repeat(30)}${"]".repeat(30)}}`,
    /^param NEW_A value is a list/,
  );

  // Wrong types for every key.
  const values = {
    null: null,
    true: true,
    false: false,
    zero: 0,
    float: 1.5,
    "empty-list": [],
    list: ["client_create"],
    "empty-map": {},
    map: { a: 1 },
  };
  for (const [kind, value] of Object.entries(values)) {
    const article = kindWords(value);
    event(
      `type-event-${kind}`,
      { event: value },
      new RegExp(`^"event" must be a string, got ${article}$`),
    );
    const textOk = typeof value === "number";
    event(
      `type-id-${kind}`,
      { ...GOOD, id: value },
      textOk ? "handled" : new RegExp(`^"id" must be a string, got ${article}$`),
    );
    event(
      `type-key-${kind}`,
      { ...GOOD, key: value },
      textOk ? "handled" : new RegExp(`^"key" must be a string, got ${article}$`),
    );
    event(
      `type-occurred-at-${kind}`,
      { ...GOOD, occurred_at: value },
      new RegExp(
        `^"occurred_at" must be an ISO-8601 date-time string like "2026-11-28T10:00:00Z", got ${article}$`,
      ),
    );
    const isMapValue = typeof value === "object" && value !== null && !Array.isArray(value);
    event(
      `type-params-${kind}`,
      { event: "client_create", params: value },
      isMapValue && Object.keys(value).length === 0
        ? "handled"
        : isMapValue
          ? /^param "a" is not a valid name/
          : new RegExp(`^"params" must be a map of NAME: value, got ${article}$`),
    );
    const scalar = typeof value === "number" || typeof value === "boolean";
    event(
      `type-param-value-${kind}`,
      { event: "client_create", params: { NEW_A: value } },
      scalar
        ? "handled"
        : new RegExp(
            `^param NEW_A value is ${article}; values must be strings, numbers or booleans$`,
          ),
    );
  }
  for (const [kind, top] of Object.entries({
    list: "[]",
    string: '"client_create"',
    number: "42",
    boolean: "true",
    null: "null",
  })) {
    json(`type-top-${kind}`, top, kind === "null" ? /^the document is empty; expected/ : NOT_A_MAP);
  }
  event("event-missing", { params: {} }, /^missing "event"/);
  event("event-empty", { event: "" }, /^event "" is not a valid event id/);
  event(
    "event-upper",
    { event: "Client_Create" },
    /^event "Client_Create" is not a valid event id/,
  );
  event("event-digit-first", { event: "1client" }, /^event "1client" is not a valid event id/);
  event("event-65-chars", { event: `a${"b".repeat(64)}` }, /is not a valid event id/);
  event("event-unicode", { event: "clíent_create" }, /is not a valid event id/);
  event(
    "event-path-traversal",
    { event: "../../etc/passwd" },
    /^event "..\/..\/etc\/passwd" is not a valid event id/,
  );
  event("event-space", { event: "client create" }, /is not a valid event id/);
  event(
    "unknown-top-key",
    { ...GOOD, parms: {} },
    /^unknown key "parms" \(allowed: event, id, occurred_at, key, params\); did you mean "params"\?$/,
  );
  event(
    "proto-top-key",
    JSON.parse('{"event":"client_create","__proto__":{"x":1}}'),
    /^unknown key "__proto__"/,
  );
  event("id-empty", { ...GOOD, id: "" }, /^"id" is empty/);
  event("key-empty", { ...GOOD, key: "" }, /^"key" is empty/);
  event(
    "id-257",
    { ...GOOD, id: "i".repeat(257) },
    /^"id" is 257 characters long, over the 256 limit$/,
  );
  event(
    "key-257",
    { ...GOOD, key: "k".repeat(257) },
    /^"key" is 257 characters long, over the 256 limit$/,
  );
  event("id-control", { ...GOOD, id: "a\nb" }, /^"id" contains a control character \(U\+000A\)$/);
  event(
    "key-control",
    { ...GOOD, key: "a\u001bb" },
    /^"key" contains a control character \(U\+001B\)$/,
  );
  event("occurred-at-no-zone", { ...GOOD, occurred_at: "2026-11-28T10:00:00" }, /has no time zone/);
  event(
    "occurred-at-garbage",
    { ...GOOD, occurred_at: "yesterday" },
    /is not an ISO-8601 date-time/,
  );
  event(
    "occurred-at-feb-30",
    { ...GOOD, occurred_at: "2026-02-30T10:00:00Z" },
    /is not a real date and time/,
  );
  event(
    "occurred-at-hour-25",
    { ...GOOD, occurred_at: "2026-11-28T25:00:00Z" },
    /is not a real date and time/,
  );

  // Empty files and BOMs.
  raw("empty", ".json", [], /^empty file$/);
  raw("empty-yaml", ".yaml", [], /^empty file$/);
  raw("whitespace", ".json", " \n\t\r\n", /^empty file$/);
  raw("bom-utf8-only", ".json", [0xef, 0xbb, 0xbf], /^empty file$/);
  raw("bom-utf16le-only", ".json", [0xff, 0xfe], /^empty file$/);
  raw("bom-utf16be-only", ".yaml", [0xfe, 0xff], /^empty file$/);
  raw("bom-utf8-spaces", ".json", [0xef, 0xbb, 0xbf, 0x20, 0x0a], /^empty file$/);
  raw("bom-utf32le", ".json", [0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0], /^UTF-32LE is not supported/);
  raw("bom-utf32be", ".json", [0, 0, 0xfe, 0xff, 0, 0, 0, 0x7b], /^UTF-32BE is not supported/);
  raw(
    "bom-utf8-twice",
    ".json",
    [0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, ...Buffer.from('{"event":"client_create"}')],
    INVALID_JSON,
  );

  // Invalid UTF-8.
  const utf8 = (id, bytes, offset) =>
    raw(
      `utf8-${id}`,
      ".json",
      Buffer.concat([
        Buffer.from('{"event":"client_create","params":{"NEW_CONTACT_NAME":"'),
        Buffer.from(bytes),
        Buffer.from('"}}'),
      ]),
      new RegExp(`^invalid UTF-8 at byte offset ${offset}$`),
    );
  const at = Buffer.byteLength('{"event":"client_create","params":{"NEW_CONTACT_NAME":"');
  utf8("lone-continuation", [0x80], at);
  utf8("overlong-slash", [0xc0, 0xaf], at);
  utf8("overlong-3-byte", [0xe0, 0x80, 0xaf], at);
  utf8("cesu-surrogate", [0xed, 0xa0, 0x80], at);
  utf8("above-10ffff", [0xf4, 0x90, 0x80, 0x80], at);
  utf8("f5-lead", [0xf5, 0x80, 0x80, 0x80], at);
  utf8("fe-byte", [0xfe], at);
  utf8("ff-byte", [0xff], at);
  utf8("truncated-euro", [0x41, 0xe2, 0x82], at + 1);
  utf8("cp1251-text", [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2], at);
  utf8("latin1-umlaut", [0x4a, 0xf6, 0x72, 0x67], at + 1);
  raw(
    "utf8-invalid-at-end",
    ".yaml",
    Buffer.concat([Buffer.from("event: client_create\n# "), Buffer.from([0xe2, 0x82])]),
    /^invalid UTF-8 at byte offset 23$/,
  );

  // UTF-16: broken ones are errors naming the offset; valid ones, with or without BOM, must decode.
  const utf16 = (text, be) => {
    const le = Buffer.from(text, "utf16le");
    return be ? Buffer.from(le).swap16() : le;
  };
  const doc16 = JSON.stringify({
    event: "client_create",
    params: { NEW_CONTACT_NAME: "Jörg Müller" },
  });
  raw("utf16le-bom-valid", ".json", [0xff, 0xfe, ...utf16(doc16, false)], "handled");
  raw("utf16be-bom-valid", ".json", [0xfe, 0xff, ...utf16(doc16, true)], "handled");
  raw("utf16le-nobom-valid", ".json", utf16(doc16, false), "handled");
  raw("utf16be-nobom-valid", ".json", utf16(doc16, true), "handled");
  raw(
    "utf16le-nobom-yaml-valid",
    ".yaml",
    utf16("event: client_create\nparams: {NEW_CONTACT_NAME: Jörg}\n", false),
    "handled",
  );
  raw(
    "utf16le-bom-odd",
    ".json",
    [0xff, 0xfe, ...utf16(doc16, false), 0x20],
    /^invalid UTF-16LE: odd number of bytes \(\d+\)$/,
  );
  raw(
    "utf16be-bom-odd",
    ".json",
    [0xfe, 0xff, ...utf16(doc16, true), 0x20],
    /^invalid UTF-16BE: odd number of bytes/,
  );
  raw(
    "utf16le-nobom-odd",
    ".json",
    [...utf16(doc16, false), 0x7d],
    /^invalid UTF-16LE: odd number of bytes/,
  );
  const surrogateDoc = (unit, be) => {
    const head = utf16('{"event":"client_create","params":{"NEW_A":"', be);
    const tail = utf16('"}}', be);
    const u = Buffer.alloc(2);
    if (be) u.writeUInt16BE(unit);
    else u.writeUInt16LE(unit);
    return {
      bytes: [...(be ? [0xfe, 0xff] : [0xff, 0xfe]), ...head, ...u, ...tail],
      offset: 2 + head.length,
    };
  };
  for (const [id, unit, be] of [
    ["utf16le-lone-high", 0xd83d, false],
    ["utf16le-lone-low", 0xde00, false],
    ["utf16be-lone-high", 0xd83d, true],
    ["utf16be-lone-low", 0xdc00, true],
  ]) {
    const { bytes, offset } = surrogateDoc(unit, be);
    raw(
      id,
      ".json",
      bytes,
      new RegExp(`^invalid UTF-16(LE|BE): unpaired surrogate at byte offset ${offset}$`),
    );
  }
  raw(
    "utf16le-reversed-pair",
    ".json",
    [
      0xff,
      0xfe,
      ...utf16('{"event":"client_create","params":{"NEW_A":"', false),
      0x00,
      0xde,
      0x3d,
      0xd8,
      ...utf16('"}}', false),
    ],
    /^invalid UTF-16LE: unpaired surrogate at byte offset/,
  );
  raw(
    "utf16le-nobom-cyrillic-first",
    ".json",
    utf16('{"params":{"NEW_A":"Привет Привет Привет Привет"},"event":"client_create"}', false),
    /^invalid JSON at line 1 column 2: expected a property name in double quotes, found U\+0000$/,
  );

  // NUL characters.
  raw("nul-raw-first", ".json", [0, ...Buffer.from('{"event":"client_create"}')], INVALID_JSON);
  raw(
    "nul-raw-middle",
    ".json",
    Buffer.concat([Buffer.from('{"event":"client_create"'), Buffer.from([0]), Buffer.from("}")]),
    INVALID_JSON,
  );
  raw(
    "nul-raw-yaml",
    ".yaml",
    Buffer.concat([Buffer.from("event: client_"), Buffer.from([0]), Buffer.from("create\n")]),
    /^event "client_\\u0000create" is not a valid event id/,
  );
  json(
    "nul-escape-value",
    '{"event":"client_create","params":{"NEW_A":"a\\u0000b"}}',
    /^param NEW_A value contains a NUL character$/,
  );
  json(
    "nul-escape-name",
    '{"event":"client_create","params":{"NEW_\\u0000A":"x"}}',
    /^param "NEW_\\u0000A" is not a valid name/,
  );
  json("nul-escape-event", '{"event":"client_create\\u0000"}', /is not a valid event id/);
  json(
    "nul-escape-id",
    '{"event":"client_create","id":"a\\u0000"}',
    /^"id" contains a control character \(U\+0000\)$/,
  );
  yaml(
    "nul-escape-yaml-value",
    'event: client_create\nparams: {NEW_A: "a\\0b"}',
    /^param NEW_A value contains a NUL character$/,
  );
  // Unpaired surrogates spelt as escapes: the same strictness as in the bytes (SPEC §2).
  json(
    "surrogate-escape-value",
    '{"event":"client_create","params":{"NEW_A":"x\\ud800y"}}',
    /^param NEW_A value contains an unpaired surrogate/,
  );
  json(
    "surrogate-escape-low-value",
    '{"event":"client_create","params":{"NEW_A":"\\udc00"}}',
    /^param NEW_A value contains an unpaired surrogate/,
  );
  yaml(
    "surrogate-escape-yaml-value",
    'event: client_create\nparams: {NEW_A: "\\ud800"}',
    /^param NEW_A value contains an unpaired surrogate/,
  );
  json(
    "surrogate-escape-id",
    '{"event":"client_create","id":"\\ud800"}',
    /^"id" contains an unpaired surrogate/,
  );
  json(
    "surrogate-escape-key",
    '{"event":"client_create","key":"a\\udfffb"}',
    /^"key" contains an unpaired surrogate/,
  );

  // Sizes and counts.
  add("ten-megabytes", ".json", /^file is 10 MiB, over the 1 MiB limit$/, {
    bytes: Buffer.concat([
      Buffer.from('{"event":"client_create","params":{"NEW_A":"'),
      Buffer.alloc(10 * 1024 * 1024 - 50, 0x61),
      Buffer.from('"}}'),
    ]).subarray(0, 10 * 1024 * 1024),
  });
  add("one-byte-over", ".json", /^file is 1048577 bytes, over the 1048576-byte limit$/, {
    bytes: padJson(1024 * 1024 + 1),
  });
  add("exactly-the-limit", ".json", "handled", { bytes: padJson(1024 * 1024) });
  // Short names (A0, A1, ... AZZZ) so that 100k params fit in the 1 MiB limit.
  const pname = (i) => `A${i.toString(36).toUpperCase()}`;
  const manyParams = (n, yamlForm) =>
    yamlForm
      ? `event: client_create\nparams:\n${Array.from({ length: n }, (_, i) => ` ${pname(i)}: 1`).join("\n")}`
      : `{"event":"client_create","params":{${Array.from({ length: n }, (_, i) => `"${pname(i)}":1`).join(",")}}}`;
  json(
    "params-100k",
    manyParams(100_000, false),
    /^too many params \(100000\); the limit is 1000$/,
  );
  yaml(
    "params-100k-yaml",
    manyParams(100_000, true),
    /^the YAML document has more than 2010 keys and values; an event has at most 1000 params$/,
  );
  json("params-1001", manyParams(1001, false), /^too many params \(1001\); the limit is 1000$/);
  json("params-1000", manyParams(1000, false), "handled");
  event(
    "value-64k-plus-1",
    { event: "client_create", params: { NEW_A: "v".repeat(65_537) } },
    /^param NEW_A value is 65537 bytes, over the 65536-byte limit$/,
  );
  event("value-64k", { event: "client_create", params: { NEW_A: "v".repeat(65_536) } }, "handled");
  event(
    "value-64k-multibyte",
    { event: "client_create", params: { NEW_A: "ü".repeat(32_769) } },
    /^param NEW_A value is 65538 bytes, over the 65536-byte limit$/,
  );
  event(
    "param-name-257",
    { event: "client_create", params: { [`N${"A".repeat(256)}`]: "x" } },
    /is 257 characters long, over the 256 limit$/,
  );

  // Param names.
  const badNames = {
    equals: "NEW_A=B",
    lower: "new_login_name",
    mixed: "New_Login",
    "latin-unicode": "NEW_Ñ",
    cyrillic: "ПАРАМ",
    "digit-first": "1ABC",
    "underscore-first": "_NEW",
    empty: "",
    space: "NEW A",
    dash: "NEW-A",
    dot: "NEW.A",
    newline: "NEW_A\nB",
    proto: "__proto__",
    constructor: "constructor",
    dollar: "NEW_$A",
  };
  for (const [id, name] of Object.entries(badNames)) {
    json(
      `param-name-${id}`,
      `{"event":"client_create","params":{${JSON.stringify(name)}:"x"}}`,
      /^param ".*" is not a valid name \(expected \^\[A-Z\]\[A-Z0-9_\]\*\$\)$/,
    );
  }
  for (const name of ["EVH_EVENT", "EVH_ANYTHING"]) {
    event(
      `param-reserved-${name}`,
      { event: "client_create", params: { [name]: "x" } },
      new RegExp(`^param ${name} uses the reserved prefix EVH_`),
    );
  }
  for (const name of [
    "PATH",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LC_ALL",
    "BASH_ENV",
    "IFS",
    "NODE_OPTIONS",
    "GCONV_PATH",
    "BASH_FUNC_X",
    "HOME",
  ]) {
    // Accepted as data (SPEC §2); only OLD_*/NEW_* params reach the environment (§4).
    event(
      `param-environment-${name}`,
      { event: "client_create", params: { [name]: "/tmp/evil" } },
      "handled",
    );
  }

  // Control characters in values are data (SPEC §2 forbids only NUL): the event runs.
  for (const [id, value] of Object.entries({
    newline: "line1\nline2",
    cr: "a\rb",
    tab: "a\tb",
    escape: "\u001b[31mred\u001b[0m",
    bell: "ding\u0007",
    del: "a\u007f",
    "line-separator": "a\u2028b",
    "rtl-override": "evil\u202etxt.exe",
    "c1-control": "a\u0085b",
  })) {
    event(
      `control-in-value-${id}`,
      { event: "client_create", params: { NEW_CONTACT_NAME: value } },
      "handled",
    );
  }

  // Names.
  const named = (name, bytes, expect, known) =>
    cases.push({
      id: `name ${JSON.stringify(name.length > 40 ? `${name.slice(0, 12)}…(${name.length})` : name)}`,
      name,
      expect,
      known,
      bytes: Buffer.from(bytes),
    });
  const good = JSON.stringify(GOOD);
  named(".hidden.json", good, "ignored");
  named(".json", good, "ignored");
  named("..json", good, "ignored");
  named(".x.yaml", "{", "ignored");
  named("-rf.json", good, "handled");
  named("--help.json", good, "handled");
  named("-.json", good, "handled");
  named("a b.json", good, "handled");
  named("ünïcødé.json", good, "handled");
  named("semi;colon$(x).json", good, "handled");
  named("x.error.json", good, "handled");
  const unsupported = /^unsupported file type$/;
  for (const name of [
    "x.txt",
    "x.JSON",
    "x.Yaml",
    "x.yaml~",
    "x.json.swp",
    "x.json.tmp",
    "noext",
    "x.json ",
    "x.jsonl",
    "x.yml.bak",
    "x.json\n",
    "json",
    "yaml",
    "x.json.",
    "x.ymlx",
  ]) {
    named(name, good, unsupported);
  }
  named(`${"n".repeat(250)}.json`, good, "handled");
  // Names so long that `<name>.error.json` exceeds NAME_MAX (255 bytes): placed without a
  // sidecar, the reason in the log only.
  named(`${"b".repeat(250)}.json`, "{bad", /^invalid JSON at line 1 column 2: /);
  cases.at(-1).noSidecar = true;
  named(
    `${"f".repeat(245)}.json`,
    JSON.stringify({ event: "client_create", params: { NEW_FAIL: "yes" } }),
    /^handler rec failed: exit 3$/,
  );
  cases.at(-1).noSidecar = true;
  // A name that collides with another file's sidecar name: neither may be lost (the later
  // one takes a free name, collide.1.json).
  named("collide.json.error.json", "{first", /^invalid JSON at line 1 column 2: /);
  cases.at(-1).keep = true;
  named("collide.json", "{second", /^invalid JSON at line 1 column 2: /);
  cases.at(-1).keep = true;
  // Bytes that are not UTF-8 in a name: Linux allows them. Quarantined byte for byte under
  // a UTF-8 name (U+FFFD for each bad sequence), which its log line gives.
  cases.push({
    id: "name with invalid UTF-8",
    name: Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x6a, 0x73, 0x6f, 0x6e]),
    expect: /^file name is not valid UTF-8$/,
    bytes: Buffer.from(good),
  });

  // Things that are not regular files: never opened, moved to failed/.
  const special = (id, make, expect) => add(id, ".json", expect, { make });
  special(
    "symlink-to-valid-file",
    (f) => symlinkSync("/etc/hostname", f),
    NOT_REGULAR("symbolic link"),
  );
  special("symlink-to-dev-zero", (f) => symlinkSync("/dev/zero", f), NOT_REGULAR("symbolic link"));
  special("symlink-to-shadow", (f) => symlinkSync("/etc/shadow", f), NOT_REGULAR("symbolic link"));
  special(
    "symlink-dangling",
    (f) => symlinkSync("/nonexistent/evh/target", f),
    NOT_REGULAR("symbolic link"),
  );
  special("symlink-loop", (f) => symlinkSync(f, f), NOT_REGULAR("symbolic link"));
  special("symlink-to-dir", (f) => symlinkSync("/tmp", f), NOT_REGULAR("symbolic link"));
  special(
    "symlink-relative-up",
    (f) => symlinkSync("../../../../etc/passwd", f),
    NOT_REGULAR("symbolic link"),
  );
  special("fifo", (f) => mkfifo(f), NOT_REGULAR("FIFO"));
  add("fifo-yaml", ".yaml", NOT_REGULAR("FIFO"), { make: (f) => mkfifo(f) });
  special("directory", (f) => mkdirSync(f), NOT_REGULAR("directory"));
  add("directory-with-files", ".yaml", NOT_REGULAR("directory"), {
    make: (f) => {
      mkdirSync(f);
      closeSync(openSync(`${f}/inner.json`, "w"));
    },
  });
  special("unix-socket", makeSocket, NOT_REGULAR("socket"));
  if (process.getuid?.() === 0) {
    special("char-device", (f) => execFileSync("mknod", [f, "c", "1", "5"]), NOT_REGULAR("device"));
  }

  // Producers that skip tmp/: slow pieces through one descriptor, finished within the settle delay.
  const slow = (id, ext, bytes, pieces, gapMs, expect) =>
    add(id, ext, expect, {
      drop: async (root, name) => {
        const fd = openSync(root.spool("new", name), "w");
        const size = Math.ceil(bytes.length / pieces);
        for (let i = 0; i < bytes.length; i += size) {
          writeSync(fd, bytes.subarray(i, i + size));
          await sleep(gapMs);
        }
        closeSync(fd);
      },
    });
  const big = Buffer.from(
    JSON.stringify({ event: "client_create", params: { NEW_CONTACT_NAME: "x".repeat(20_000) } }),
  );
  slow("slow-json-in-time", ".json", Buffer.from(good), 4, 40, "handled");
  slow(
    "slow-yaml-in-time",
    ".yaml",
    Buffer.from("event: client_create\nparams:\n  NEW_LOGIN_NAME: jdoe\n"),
    3,
    50,
    "handled",
  );
  slow("slow-big-in-time", ".json", big, 10, 10, "handled");
  slow(
    "slow-utf16-in-time",
    ".json",
    Buffer.from([0xff, 0xfe, ...utf16(good, false)]),
    5,
    20,
    "handled",
  );
  slow("slow-too-late", ".json", Buffer.from(good), 2, 2500, INVALID_JSON);

  // Races: files that vanish, change or grow while the agent reads them.
  for (let i = 0; i < 6; i++) {
    add(`vanish-${i}`, ".json", "any", {
      drop: async (root, name) => {
        root.emit(good, name);
        await sleep(i * 3);
        for (const state of ["new", "cur"]) {
          try {
            unlinkSync(root.spool(state, name));
          } catch {
            // Already claimed, or already gone: the race is the point.
          }
        }
      },
    });
  }
  for (let i = 0; i < 4; i++) {
    add(`changing-${i}`, ".json", "any", {
      drop: async (root, name) => {
        const fd = openSync(root.spool("new", name), "w");
        for (let k = 0; k < 30; k++) {
          const text =
            k % 2 === 0
              ? good
              : `{"event": "client_create", "params": {"NEW_A": "${"z".repeat(k * 100)}`;
          ftruncateSync(fd);
          writeSync(fd, Buffer.from(text), 0, undefined, 0);
          await sleep(5 + i);
        }
        closeSync(fd);
      },
    });
  }
  add("growing-past-limit", ".json", /^file (is [\d.]+ MiB, over|grew past) the 1 MiB limit/, {
    drop: async (root, name) => {
      const fd = openSync(root.spool("new", name), "w");
      writeSync(fd, '{"event":"client_create","params":{"NEW_A":"');
      const chunk = Buffer.alloc(64 * 1024, 0x62);
      for (let k = 0; k < 24; k++) {
        writeSync(fd, chunk);
        await sleep(2);
      }
      closeSync(fd);
    },
  });
  return cases;
}

/** A valid event padded with spaces to exactly `size` bytes. */
function padJson(size) {
  const head = Buffer.from(JSON.stringify(GOOD));
  return Buffer.concat([head, Buffer.alloc(size - head.length, 0x20)]);
}

function kindWords(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "boolean") return "a boolean";
  return "a number";
}

/** A listening unix socket at `file`; the server is closed at once, the socket file stays. */
function makeSocket(file) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(file, () => {
      // Closing the server unlinks the path; keep it open until the process exits instead.
      server.unref();
      resolve();
    });
  });
}
