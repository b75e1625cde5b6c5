import { describe, expect, it } from "vitest";
import type { Handler } from "../../src/handlers/handler.js";
import { Registry } from "../../src/handlers/registry.js";

function handler(id: string, fields: Partial<Handler> = {}): Handler {
  return {
    id,
    file: "/h/a.yaml",
    line: 1,
    fileIndex: 0,
    docIndex: 0,
    events: ["client_create"],
    priority: 50,
    userName: undefined,
    user: undefined,
    argv: ["/bin/true"],
    commandText: "/bin/true",
    shell: false,
    timeoutMs: 300_000,
    enabled: true,
    when: [],
    env: {},
    retry: { attempts: 0, backoffMs: 1000 },
    stdin: "none",
    encoding: "utf-8",
    cwd: undefined,
    ...fields,
  };
}

const event = (name: string, params: Record<string, string> = {}) => ({ event: name, params });
const ids = (registry: Registry, e = event("client_create")) =>
  registry.match(e).map((m) => m.handler.id);

describe("Registry.match", () => {
  it("runs highest priority first, then file order, then document order", () => {
    const registry = new Registry([
      handler("b-doc1", { fileIndex: 1, docIndex: 1 }),
      handler("b-doc0", { fileIndex: 1, docIndex: 0 }),
      handler("a-low", { fileIndex: 0, priority: 25 }),
      handler("c-high", { fileIndex: 2, priority: 75 }),
      handler("a-doc0", { fileIndex: 0, docIndex: 0 }),
      handler("z-highest", { fileIndex: 9, priority: 100 }),
    ]);
    expect(ids(registry)).toEqual(["z-highest", "c-high", "a-doc0", "b-doc0", "b-doc1", "a-low"]);
  });

  it("matches literal ids and globs, each handler once", () => {
    const registry = new Registry([
      handler("exact", { events: ["domain_create"] }),
      handler("glob", { events: ["domain_*"], fileIndex: 1 }),
      handler("both", { events: ["domain_create", "domain_*", "*_create"], fileIndex: 2 }),
      handler("all", { events: ["*"], fileIndex: 3 }),
      handler("other", { events: ["client_*", "mail_create"], fileIndex: 4 }),
    ]);
    expect(ids(registry, event("domain_create"))).toEqual(["exact", "glob", "both", "all"]);
    expect(ids(registry, event("domain_delete"))).toEqual(["glob", "both", "all"]);
    expect(ids(registry, event("mail_create"))).toEqual(["both", "all", "other"]);
    expect(ids(registry, event("service_restart"))).toEqual(["all"]);
  });

  it("leaves disabled handlers out of matching but lists them", () => {
    const registry = new Registry([handler("on"), handler("off", { enabled: false, docIndex: 1 })]);
    expect(ids(registry)).toEqual(["on"]);
    expect(registry.all().map((h) => h.id)).toEqual(["on", "off"]);
    expect(registry.get("off")?.enabled).toBe(false);
    expect(registry.get("nope")).toBeUndefined();
  });

  it("evaluates when: every condition, any pattern, a missing param never holds", () => {
    const registry = new Registry([
      handler("site", {
        when: [
          { param: "NEW_DOMAIN_NAME", patterns: ["*.example.com", "example.com"] },
          { param: "NEW_PLAN", patterns: ["gold*"] },
        ],
      }),
      handler("empty-ok", { docIndex: 1, when: [{ param: "NEW_NOTE", patterns: ["*"] }] }),
    ]);
    const whenOf = (params: Record<string, string>) =>
      registry.match(event("client_create", params)).map((m) => [m.handler.id, m.when]);
    expect(
      whenOf({ NEW_DOMAIN_NAME: "www.example.com", NEW_PLAN: "gold-2", NEW_NOTE: "" }),
    ).toEqual([
      ["site", true],
      ["empty-ok", true],
    ]);
    expect(whenOf({ NEW_DOMAIN_NAME: "example.com", NEW_PLAN: "silver" })).toEqual([
      ["site", false],
      ["empty-ok", false],
    ]);
    expect(whenOf({ NEW_PLAN: "gold" })).toEqual([
      ["site", false],
      ["empty-ok", false],
    ]);
  });

  it("does not take inherited properties for params", () => {
    const registry = new Registry([
      handler("h", { when: [{ param: "CONSTRUCTOR", patterns: ["*"] }] }),
    ]);
    const params: Record<string, string> = Object.create({ CONSTRUCTOR: "x" });
    expect(registry.match(event("client_create", params))[0]?.when).toBe(false);
  });

  it("is empty when there are no handlers", () => {
    expect(Registry.empty.match(event("client_create"))).toEqual([]);
    expect(Registry.empty.all()).toEqual([]);
  });

  it("is not changed by changes to the array it was built from", () => {
    const list = [handler("a")];
    const registry = new Registry(list);
    list.push(handler("b"));
    expect(registry.all().map((h) => h.id)).toEqual(["a"]);
    expect(Object.isFrozen(registry.all())).toBe(true);
  });
});
