import { describe, expect, it } from "vitest";
import {
  classifyEventFileName,
  eventFileFormat,
  eventIdFromFileName,
  showNameBytes,
} from "../../src/events/event-file-name.js";

describe("classifyEventFileName", () => {
  it.each([
    ["1764324000000-42-ab12.json", "event"],
    ["x.yaml", "event"],
    ["x.yml", "event"],
    ["a.b.json", "event"],
    [".x.json", "hidden"],
    [".json", "hidden"],
    [".#emacs-lock", "hidden"],
    ["x.json.tmp", "unsupported"],
    ["x.txt", "unsupported"],
    ["x", "unsupported"],
    ["x.JSON", "unsupported"],
    ["json", "unsupported"],
  ])("%s is %s", (name, kind) => {
    expect(classifyEventFileName(name)).toBe(kind);
  });
});

describe("eventFileFormat", () => {
  it("picks the parser by extension", () => {
    expect(eventFileFormat("x.json")).toBe("json");
    expect(eventFileFormat("x.yaml")).toBe("yaml");
    expect(eventFileFormat("x.yml")).toBe("yaml");
    expect(eventFileFormat("x.txt")).toBeUndefined();
  });
});

describe("eventIdFromFileName", () => {
  it("drops the event-file extension only", () => {
    expect(eventIdFromFileName("1764324000000-42-ab12.json")).toBe("1764324000000-42-ab12");
    expect(eventIdFromFileName("a.b.yml")).toBe("a.b");
    expect(eventIdFromFileName("a.txt")).toBe("a.txt");
  });
});

describe("showNameBytes", () => {
  it("shows UTF-8 as text and every other byte as \\xNN", () => {
    const show = (bytes: number[]) => showNameBytes(Buffer.from(bytes));
    expect(show([0x62, 0xff, 0xfe, 0x2e, 0x6a])).toBe("b\\xff\\xfe.j");
    expect(show([0xc3, 0xa9, 0x78])).toBe("éx");
    // A sequence cut short, a surrogate, an overlong form, a stray continuation byte.
    expect(show([0xe2, 0x82])).toBe("\\xe2\\x82");
    expect(show([0xed, 0xa0, 0x80])).toBe("\\xed\\xa0\\x80");
    expect(show([0xc0, 0xaf])).toBe("\\xc0\\xaf");
    expect(show([0xf0, 0x9f, 0x98, 0x80, 0x80])).toBe("😀\\x80");
  });
});
