import { describe, expect, it } from "vitest";
import { parseYamlDocument } from "../../src/events/parse-yaml-document.js";
import { reasonOf } from "./reason-of.js";

describe("parseYamlDocument", () => {
  it("reads the YAML 1.2 core schema: yes, on, no, dates and octal-looking text stay strings", () => {
    const doc = parseYamlDocument(
      "on: yes\nA: no\nB: off\nC: 2026-11-28T10:00:00Z\nD: 0o17\nE: 0x1F\nF: 1e3\nG: true\nH: ~\n",
    );
    expect(doc).toEqual(
      new Map<string, unknown>([
        ["on", "yes"],
        ["A", "no"],
        ["B", "off"],
        ["C", "2026-11-28T10:00:00Z"],
        ["D", 15],
        ["E", 31],
        ["F", 1000],
        ["G", true],
        ["H", null],
      ]),
    );
  });

  it("keeps non-string keys as they are, for validation to name", () => {
    expect(parseYamlDocument("1: a\ntrue: b\n")).toEqual(
      new Map<unknown, unknown>([
        [1, "a"],
        [true, "b"],
      ]),
    );
  });

  it("does not treat << as a merge key", () => {
    expect(parseYamlDocument("<<: {a: 1}\n")).toEqual(new Map([["<<", new Map([["a", 1]])]]));
  });

  it("refuses a document with more keys and values than an event can have, before parsing it", () => {
    // 100k keys: yaml's duplicate-key check is quadratic, minutes for this 1 MiB file.
    const keys = Array.from({ length: 100_000 }, (_, i) => ` A${i.toString(36).toUpperCase()}: 1`);
    expect(reasonOf(() => parseYamlDocument(`event: a\nparams:\n${keys.join("\n")}\n`))).toBe(
      "the YAML document has more than 2010 keys and values; an event has at most 1000 params",
    );
  });

  it("takes the largest event there can be: every key, 1000 params, quoted or plain", () => {
    const params = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? `  P${i}: v` : `  "P${i}": 'v'`,
    );
    const text = `event: a\nid: i\nkey: k\noccurred_at: "2026-11-28T10:00:00Z"\nparams:\n${params.join("\n")}\n`;
    const doc = parseYamlDocument(text) as Map<string, Map<string, string>>;
    expect(doc.get("params")?.size).toBe(1000);
  });

  it.each([
    ["stray closing brackets", `event: a\nparams: ${"] ".repeat(500_000)}\n`],
    ["commas", `event: a\nparams: [${",".repeat(1_000_000)}]\n`],
    ["aliases", `event: &e a\nparams: [${"*e, ".repeat(250_000)}]\n`],
  ])(
    "refuses a megabyte of %s before the parser spends seconds and a gigabyte on it",
    (_, text) => {
      expect(reasonOf(() => parseYamlDocument(text))).toBe(
        "the YAML document has more than 8040 syntax tokens (keys, values, brackets, commas, ...); an event has at most 1000 params",
      );
    },
  );

  it("takes the largest event in flow style too", () => {
    const params = Array.from({ length: 1000 }, (_, i) => `"P${i}": 'v'`).join(", ");
    const text = `{event: a, id: i, key: k, occurred_at: "2026-11-28T10:00:00Z", params: {${params}}}`;
    const doc = parseYamlDocument(text) as Map<string, Map<string, string>>;
    expect(doc.get("params")?.size).toBe(1000);
  });

  it("is null for a file of comments only", () => {
    expect(parseYamlDocument("# nothing here\n")).toBeNull();
  });

  it("expands a few aliases", () => {
    expect(parseYamlDocument("a: &x hello\nb: *x\n")).toEqual(
      new Map([
        ["a", "hello"],
        ["b", "hello"],
      ]),
    );
  });

  it("refuses a billion-laughs alias bomb fast", () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, prev] of [..."bcdefghi"].map((c, i) => [c, "abcdefghi"[i]])) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const started = Date.now();
    expect(reasonOf(() => parseYamlDocument(lines.join("\n")))).toBe(
      "YAML aliases expand too much (more than 100 expansions)",
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses an alias without its anchor", () => {
    expect(reasonOf(() => parseYamlDocument("a: *nowhere\n"))).toMatch(
      /^invalid YAML: Unresolved alias/,
    );
  });

  it.each([
    ["!!python/object:os.system x", '"!!python/object:os.system"'],
    ["!foo x", '"!foo"'],
    ["!!str 1", '"!!str"'],
    ["! x", '"!"'],
  ])("refuses the tag in a: %s", (value, shown) => {
    expect(reasonOf(() => parseYamlDocument(`event: x\na: ${value}\n`))).toBe(
      `YAML tags are not allowed (found ${shown} at line 2 column 4)`,
    );
  });

  it("does not mistake tag-like text inside strings for tags", () => {
    expect(parseYamlDocument("a: '!foo'\nb: \"!!str\"\nc: x !y\nd: |\n  !z [[[\n")).toEqual(
      new Map([
        ["a", "!foo"],
        ["b", "!!str"],
        ["c", "x !y"],
        ["d", "!z [[[\n"],
      ]),
    );
  });

  it("refuses directives, which would change how the rest is read", () => {
    expect(reasonOf(() => parseYamlDocument("%YAML 1.1\n---\non: yes\n"))).toBe(
      'YAML directives are not allowed (found "%YAML 1.1" at line 1 column 1)',
    );
  });

  it("refuses duplicate keys, naming the key and its line", () => {
    expect(reasonOf(() => parseYamlDocument("event: a\nparams:\n  A: 1\n  A: 2\n"))).toBe(
      'duplicate key "A" at line 4 column 3',
    );
  });

  it("refuses more than one document", () => {
    expect(reasonOf(() => parseYamlDocument("event: a\n---\nevent: b\n"))).toBe(
      "more than one YAML document (the second starts at line 2)",
    );
    expect(reasonOf(() => parseYamlDocument("event: a\n---\n"))).toBe(
      "more than one YAML document (the second starts at line 2)",
    );
  });

  it("allows an explicit document start and end", () => {
    expect(parseYamlDocument("---\nevent: a\n...\n")).toEqual(new Map([["event", "a"]]));
  });

  it.each([
    ["a: 'unterminated\n", "invalid YAML at line 2 column 1: Missing closing 'quote"],
    [
      "a:\n  b: 1\n c: 2\n",
      "invalid YAML at line 3 column 1: All mapping items must start at the same column",
    ],
    [
      "a: b: c\n",
      "invalid YAML at line 1 column 4: Nested mappings are not allowed in compact mappings",
    ],
    [
      "a: [1, 2\n",
      "invalid YAML at line 2 column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
  ])("reports syntax errors with their line: %j", (text, reason) => {
    expect(reasonOf(() => parseYamlDocument(text))).toBe(reason);
  });

  it.each([
    ["flow brackets", `a: ${"[".repeat(33)}${"]".repeat(33)}\n`, "line 1 column 35"],
    ["compact sequences", `${"- ".repeat(33)}x\n`, "line 1 column 65"],
    ["explicit keys", `${"? ".repeat(33)}x\n`, "line 1 column 65"],
  ])("refuses nesting deeper than 32 levels of %s before parsing", (_, text, where) => {
    expect(reasonOf(() => parseYamlDocument(text))).toBe(
      `YAML nesting deeper than 32 levels at ${where}`,
    );
  });

  it("refuses a megabyte of [ quickly, without the parser's memory blow-up", () => {
    const started = Date.now();
    expect(reasonOf(() => parseYamlDocument("[".repeat(1024 * 1024)))).toBe(
      "YAML nesting deeper than 32 levels at line 1 column 33",
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports indentation-only nesting that overflows the parser as too deep", () => {
    let text = "";
    for (let depth = 0; depth < 1400; depth++) text += `${" ".repeat(depth)}a:\n`;
    expect(reasonOf(() => parseYamlDocument(text))).toMatch(
      /^YAML nesting too deep at line \d+ column \d+$/,
    );
  });
});
