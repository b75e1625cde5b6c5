import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CATALOGUE_FILE, getCatalogue } from "../../src/events/catalogue.js";
import { parseCatalogueData as parseJson } from "../../src/events/catalogue-data.js";
import type { EvhEvent } from "../../src/events/event.js";

const catalogue = getCatalogue();

function event(name: string, params: Record<string, string>, key?: string): EvhEvent {
  return {
    event: name,
    id: undefined,
    eventId: "x",
    occurredAt: "2026-11-28T10:00:00.000Z",
    key,
    params,
    file: "x.json",
  };
}

describe("the built-in catalogue", () => {
  it("is read once and kept", () => {
    expect(getCatalogue()).toBe(catalogue);
  });

  it("holds Plesk's events, sorted by id", () => {
    const ids = catalogue.events().map((e) => e.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids.length).toBeGreaterThanOrEqual(100);
    for (const id of [
      "client_create",
      "domain_create",
      "phys_hosting_create",
      "mailname_create",
      "service_restart",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("finds an event with its title, params and statuses", () => {
    const found = catalogue.find("client_create");
    expect(found).toMatchObject({
      id: "client_create",
      title: "Customer account created",
      subject: "LOGIN_NAME",
      idStatus: "documented",
      paramsStatus: "documented",
    });
    expect(found?.params[0]).toEqual({
      name: "LOGIN_NAME",
      old: false,
      new: true,
      required: true,
      title: "Username",
      type: "string",
    });
    expect(catalogue.find("no_such_event")).toBeUndefined();
  });

  it("keeps uncertain events, marked by their statuses, with their notes", () => {
    expect(catalogue.find("admin_alias_create")).toMatchObject({
      idStatus: "guessed",
      note: expect.stringContaining("confirm with"),
    });
    expect(catalogue.find("db_create")?.paramsStatus).toBe("unknown");
  });

  it("types domain-holding params as domain", () => {
    const types = (id: string) =>
      Object.fromEntries((catalogue.find(id)?.params ?? []).map((p) => [p.name, p.type]));
    expect(types("domain_create")).toMatchObject({ DOMAIN_NAME: "domain", IP_ADDRESS: "string" });
    expect(types("subdomain_create")).toEqual({ SUBDOMAIN_NAME: "domain", DOMAIN_NAME: "domain" });
    expect(types("domain_alias_create")).toEqual({ DOMAIN_ALIAS_NAME: "domain" });
    expect(types("dns_record_create")).toMatchObject({ HOSTNAME: "domain", DOMAIN_GUID: "string" });
    expect(types("mailname_create")).toEqual({ MAILNAME: "string" });
  });

  it("names the domain as the subject of domain, site, subdomain and hosting events", () => {
    const subject = (id: string) => catalogue.find(id)?.subject;
    expect(subject("domain_create")).toBe("DOMAIN_NAME");
    expect(subject("domain_owner_change")).toBe("DOMAIN_NAME");
    expect(subject("site_create")).toBe("DOMAIN_NAME");
    expect(subject("subdomain_create")).toBe("DOMAIN_NAME");
    expect(subject("site_subdomain_delete")).toBe("DOMAIN_NAME");
    expect(subject("phys_hosting_update")).toBe("DOMAIN_NAME");
    expect(subject("domain_alias_create")).toBe("DOMAIN_ALIAS_NAME");
    expect(subject("service_restart")).toBe("SERVICE");
    expect(subject("client_update")).toBe("LOGIN_NAME");
    expect(subject("siteapp_install")).toBeUndefined();
  });

  it("gives required params and all params as env names", () => {
    expect(catalogue.requiredParams("client_create")).toEqual([
      "NEW_LOGIN_NAME",
      "NEW_CONTACT_NAME",
    ]);
    expect(catalogue.requiredParams("service_restart")).toEqual(["OLD_SERVICE", "NEW_SERVICE"]);
    expect(catalogue.requiredParams("client_status_update")).toEqual([]);
    expect(catalogue.paramEnvNames("domain_delete")).toEqual([
      "OLD_DOMAIN_NAME",
      "OLD_SYSTEM_USER",
    ]);
    expect(catalogue.paramEnvNames("ftpuser_update").slice(0, 4)).toEqual([
      "OLD_DOMAIN_NAME",
      "NEW_DOMAIN_NAME",
      "OLD_HOME_DIRECTORY",
      "NEW_HOME_DIRECTORY",
    ]);
    expect(catalogue.requiredParams("no_such_event")).toEqual([]);
    expect(catalogue.paramEnvNames("no_such_event")).toEqual([]);
  });
});

describe("suggest", () => {
  it.each([
    ["client_creat", "client_create"],
    ["cleint_create", "client_create"],
    ["Client_Create", "client_create"],
    ["client-create", "client_create"],
    ["domain_created", "domain_create"],
    ["mailname_creat", "mailname_create"],
    ["phys_hosting", "phys_hosting_create"],
    ["service_restrat", "service_restart"],
  ])("%s → %s", (typo, known) => {
    expect(catalogue.suggest(typo)).toBe(known);
  });

  it.each(["client_create", "my_own_event", "backup_done", "x", "abc"])(
    "has nothing for %s",
    (id) => {
      expect(catalogue.suggest(id)).toBeUndefined();
    },
  );
});

describe("subjectKey", () => {
  it("is the event's own key when it has one", () => {
    expect(catalogue.subjectKey(event("domain_create", { NEW_DOMAIN_NAME: "a.com" }, "mine"))).toBe(
      "mine",
    );
  });

  it("is the subject param's value: OLD_ first, then NEW_, then the bare name", () => {
    const update = { OLD_DOMAIN_NAME: "old.com", NEW_DOMAIN_NAME: "new.com" };
    expect(catalogue.subjectKey(event("domain_update", update))).toBe("old.com");
    expect(catalogue.subjectKey(event("domain_create", { NEW_DOMAIN_NAME: "a.com" }))).toBe(
      "a.com",
    );
    expect(catalogue.subjectKey(event("domain_delete", { OLD_DOMAIN_NAME: "a.com" }))).toBe(
      "a.com",
    );
    const emptyOld = { OLD_DOMAIN_NAME: "", NEW_DOMAIN_NAME: "a.com" };
    expect(catalogue.subjectKey(event("domain_update", emptyOld))).toBe("a.com");
    expect(catalogue.subjectKey(event("domain_create", { DOMAIN_NAME: "bare.com" }))).toBe(
      "bare.com",
    );
  });

  it("keys a subdomain by its parent domain, so it never overtakes the subscription", () => {
    const params = { NEW_SUBDOMAIN_NAME: "www", NEW_DOMAIN_NAME: "a.com" };
    expect(catalogue.subjectKey(event("subdomain_create", params))).toBe("a.com");
  });

  it("keys domains by their ASCII form", () => {
    expect(catalogue.subjectKey(event("domain_create", { NEW_DOMAIN_NAME: "Пример.РФ" }))).toBe(
      "xn--e1afmkfd.xn--p1ai",
    );
    expect(catalogue.subjectKey(event("site_create", { NEW_DOMAIN_NAME: "A.com" }))).toBe("a.com");
    expect(catalogue.subjectKey(event("domain_create", { NEW_DOMAIN_NAME: "not valid" }))).toBe(
      "not valid",
    );
  });

  it("keeps other values as they are", () => {
    expect(catalogue.subjectKey(event("client_create", { NEW_LOGIN_NAME: "JM" }))).toBe("JM");
  });

  it("is the event name without a subject, a subject param, or a catalogue entry", () => {
    expect(catalogue.subjectKey(event("siteapp_install", { NEW_X: "1" }))).toBe("siteapp_install");
    expect(catalogue.subjectKey(event("domain_create", {}))).toBe("domain_create");
    expect(catalogue.subjectKey(event("my_event", { NEW_DOMAIN_NAME: "a.com" }))).toBe("my_event");
  });
});

describe("parseCatalogueData", () => {
  // Written as YAML for brevity; the data file itself is JSON.
  const one = (event: string) => `events:\n  - ${event.trim().replace(/\n/g, "\n    ")}\n`;
  const parseCatalogueData = (yamlText: string, source: string) =>
    parseJson(JSON.stringify(parseYaml(yamlText)), source);
  const valid = "id: a\ntitle: A\nid_status: documented\nparams_status: unknown\nparams: []";

  it("reads a minimal event, defaulting param type to string", () => {
    const events = parseCatalogueData(
      one(
        `${valid.replace("params: []", "params:\n  - {name: X, old: false, new: true, required: true}")}`,
      ),
      "t.yaml",
    );
    expect(events[0]?.params[0]).toEqual({
      name: "X",
      old: false,
      new: true,
      required: true,
      title: "",
      type: "string",
    });
  });

  it.each([
    ["[]", 'top level: expected a map with an "events" list'],
    [one(valid.replace("id: a", "id: A")), 'events[0]: bad id "A"'],
    [
      one(valid.replace("title: A", "title: ''")),
      "events[0] (a).title: expected a non-empty string",
    ],
    [
      one(valid.replace("documented", "sure")),
      'events[0] (a).id_status: expected one of documented, observed, inferred, guessed, got "sure"',
    ],
    [one(valid.replace("params: []", "params: {}")), "events[0] (a): params must be a list"],
    [
      one(valid.replace("params: []", "params: [{name: x, old: true, new: true, required: true}]")),
      'events[0] (a).params[0]: bad name "x"',
    ],
    [
      one(valid.replace("params: []", "params: [{name: X, old: yes, new: true, required: true}]")),
      "events[0] (a).params[0].old: expected true or false",
    ],
    [
      one(
        valid.replace(
          "params: []",
          "params: [{name: X, old: true, new: true, required: true, type: ip}]",
        ),
      ),
      'events[0] (a).params[0].type: expected one of domain, string, got "ip"',
    ],
    [`${one(valid)}  - ${valid.replace(/\n/g, "\n    ")}\n`, "a: id appears twice"],
  ])("refuses a broken file: %s", (text, message) => {
    expect(() => parseCatalogueData(text, "t.yaml")).toThrow(
      `built-in catalogue t.yaml is invalid: ${message}`,
    );
  });
});

describe("data/catalogue.json", () => {
  const root = new URL("../../", import.meta.url);

  it("is found at <package root>/data from src/events/ and from dist/events/ alike", () => {
    expect(CATALOGUE_FILE.href).toBe(new URL("data/catalogue.json", root).href);
    const fromDist = new URL(
      "../../data/catalogue.json",
      new URL("dist/events/catalogue.js", root),
    );
    expect(fromDist.href).toBe(CATALOGUE_FILE.href);
  });

  it("says it is generated", () => {
    const text = readFileSync(fileURLToPath(CATALOGUE_FILE), "utf8");
    expect(JSON.parse(text).comment[0]).toBe(
      "GENERATED by scripts/build-catalogue.mjs; do not edit by hand.",
    );
  });
});
