import { describe, expect, it } from "vitest";
import { parse, parseOne, problems } from "./parse-helpers.js";

const withEvent = (value: string) => parse(`event: ${value}\ncommand: /bin/true\n`);
const E1 = "handlers.d/crm.yaml:1: error:";
const P = "handlers.d/crm.yaml:3: error:";

describe("event", () => {
  it("takes an id, a list of ids or globs", () => {
    expect(parseOne("event: client_create\ncommand: /bin/true\n").events).toEqual([
      "client_create",
    ]);
    expect(
      parseOne("event: [client_create, domain_*, '*', 'client_[cd]*']\ncommand: /bin/true\n")
        .events,
    ).toEqual(["client_create", "domain_*", "*", "client_[cd]*"]);
  });

  it("warns about an id outside the catalogue, with a did-you-mean, and still loads", () => {
    const { handlers, out } = withEvent("[client_creat, my_own_event]");
    expect(out).toEqual([
      'handlers.d/crm.yaml:1: warning: event "client_creat" is not in the catalogue of known events (did you mean "client_create"?)',
      'handlers.d/crm.yaml:1: warning: event "my_own_event" is not in the catalogue of known events',
    ]);
    expect(handlers).toHaveLength(1);
  });

  it("does not ask the catalogue about globs", () => {
    expect(withEvent("'nothing_matches_*'").out).toEqual([]);
  });

  it("refuses an id no event can have, hinting at the catalogue's spelling", () => {
    expect(withEvent("Client_Create").out).toEqual([
      `${E1} event must be an event id (a lower-case letter, then up to 63 lower-case letters, digits or _) or a glob, got "Client_Create" (did you mean "client_create"?)`,
    ]);
    expect(withEvent("client-create").out).toEqual([
      `${E1} event must be an event id (a lower-case letter, then up to 63 lower-case letters, digits or _) or a glob, got "client-create"`,
    ]);
  });

  it("refuses malformed globs and empty patterns", () => {
    expect(withEvent("'domain_['").out).toEqual([
      `${E1} event has a malformed glob "domain_[": "[" at position 8 is never closed by "]"`,
    ]);
    expect(withEvent('""').out).toEqual([`${E1} event must not be empty`]);
    expect(withEvent("[]").out).toEqual([`${E1} event must not be an empty list`]);
  });

  it.each([
    ["42", "42"],
    ["", "null"],
    ["{a: b}", "a map"],
  ])("refuses event: %s", (value, got) => {
    expect(withEvent(value).out).toEqual([
      `${E1} event must be an event id, a glob or a list of them, got ${got}`,
    ]);
  });

  it("reports each bad list item on its line", () => {
    expect(
      parse("event:\n  - client_create\n  - 42\n  - [x]\n  - 'a['\ncommand: /bin/true\n").out,
    ).toEqual([
      "handlers.d/crm.yaml:3: error: event list items must be strings, got 42",
      "handlers.d/crm.yaml:4: error: event list items must be strings, got a list",
      'handlers.d/crm.yaml:5: error: event has a malformed glob "a[": "[" at position 2 is never closed by "]"',
    ]);
  });
});

describe("when", () => {
  it("maps param names to a glob or a list of globs", () => {
    const handler = parseOne(
      "event: client_create\ncommand: /bin/true\nwhen:\n  NEW_DOMAIN_NAME: '*.example.com'\n  NEW_PLAN: [gold, 'silver*']\n  NEW_PORT: 8080\n",
    );
    expect(handler.when).toEqual([
      { param: "NEW_DOMAIN_NAME", patterns: ["*.example.com"] },
      { param: "NEW_PLAN", patterns: ["gold", "silver*"] },
      { param: "NEW_PORT", patterns: ["8080"] },
    ]);
  });

  it("is empty when given no conditions", () => {
    expect(parseOne("event: client_create\ncommand: /bin/true\nwhen: {}\n").when).toEqual([]);
    expect(parseOne("event: client_create\ncommand: /bin/true\nwhen:\n  # X: y\n").when).toEqual(
      [],
    );
  });

  it.each([
    ["[a]", "a list"],
    ["x", '"x"'],
  ])("refuses when: %s", (value, got) => {
    expect(problems(`when: ${value}\n`)).toEqual([
      `${P} when must be a map of PARAM_NAME: glob, got ${got}`,
    ]);
  });

  it("refuses param names that no event can carry", () => {
    expect(problems("when:\n  new_domain_name: x\n  NEW-X: y\n")).toEqual([
      'handlers.d/crm.yaml:4: error: when: param names are upper-case letters, digits and _ starting with a letter (like NEW_DOMAIN_NAME), got "new_domain_name"',
      'handlers.d/crm.yaml:5: error: when: param names are upper-case letters, digits and _ starting with a letter (like NEW_DOMAIN_NAME), got "NEW-X"',
    ]);
  });

  it("refuses EVH_ names, which no event carries", () => {
    expect(problems("when: { EVH_EVENT: 'domain_*' }\n")).toEqual([
      `${P} when: EVH_EVENT is not an event param (EVH_ names are reserved); choose events with event:`,
    ]);
  });

  it("refuses bad values and malformed globs, each on its line", () => {
    expect(
      problems(
        "when:\n  A: []\n  B: {c: d}\n  C:\n    - ok\n    - '[x'\n    - '[y'\n    - [z]\n  D: ''\n  E:\n",
      ),
    ).toEqual([
      "handlers.d/crm.yaml:4: error: when A must not be an empty list",
      "handlers.d/crm.yaml:5: error: when B must be a glob or a list of globs, got a map",
      'handlers.d/crm.yaml:8: error: when C has a malformed glob "[x": "[" at position 1 is never closed by "]"',
      'handlers.d/crm.yaml:9: error: when C has a malformed glob "[y": "[" at position 1 is never closed by "]"',
      "handlers.d/crm.yaml:10: error: when C list items must be strings, got a list",
      "handlers.d/crm.yaml:11: error: when D must not be empty",
      "handlers.d/crm.yaml:12: error: when E must be a glob or a list of globs, got null",
    ]);
  });
});
