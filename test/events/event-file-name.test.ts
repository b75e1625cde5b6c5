import { describe, expect, it } from "vitest";
import {
  classifyEventFileName,
  eventFileFormat,
  eventIdFromFileName,
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
