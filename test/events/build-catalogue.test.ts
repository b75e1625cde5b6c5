import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CATALOGUE_FILE } from "../../src/events/catalogue.js";
import { parseCatalogueData } from "../../src/events/catalogue-data.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/build-catalogue.mjs", import.meta.url));
const SAMPLE = fileURLToPath(
  new URL("../fixtures/events/plesk-events-sample.yaml", import.meta.url),
);
/** evh's own list, the source of data/catalogue.json. */
const SOURCE = fileURLToPath(new URL("../../data/plesk-events.yaml", import.meta.url));
/** The research list lives outside the repo; where it is present, evh's list must hold all of it. */
const REFERENCE = fileURLToPath(new URL("../../../shared/plesk-events.yaml", import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function build(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "evh-catalogue-"));
  dirs.push(dir);
  const out = path.join(dir, "catalogue.json");
  execFileSync(process.execPath, [SCRIPT, source, out], { stdio: "pipe" });
  return readFileSync(out, "utf8");
}

describe("scripts/build-catalogue.mjs", () => {
  it("writes a sorted, loadable catalogue with subjects, domain types and cleaned notes", () => {
    const events = parseCatalogueData(build(SAMPLE), "sample");
    expect(events.map((e) => e.id)).toEqual([
      "client_create",
      "db_create",
      "session_preferences_update",
      "subdomain_create",
      "webuser_create",
    ]);
    const byId = Object.fromEntries(events.map((e) => [e.id, e]));
    expect(byId.subdomain_create?.subject).toBe("DOMAIN_NAME");
    expect(byId.subdomain_create?.params.map((p) => p.type)).toEqual(["domain", "domain"]);
    expect(byId.client_create).toMatchObject({
      subject: "LOGIN_NAME",
      note: "Called 'Client account created' in 7.5.",
    });
    expect(byId.db_create?.note).toBe("Object type 'db' (created or removed).");
    expect(byId.webuser_create?.note).toBeUndefined();
    expect(byId.session_preferences_update?.subject).toBeUndefined();
  });

  it("is deterministic", () => {
    expect(build(SAMPLE)).toBe(build(SAMPLE));
  });

  it("has produced the committed data/catalogue.json from data/plesk-events.yaml", () => {
    expect(build(SOURCE)).toBe(readFileSync(fileURLToPath(CATALOGUE_FILE), "utf8"));
  });

  it.skipIf(!existsSync(REFERENCE))("keeps every event of the research list", () => {
    const ids = (file: string) => parseCatalogueData(build(file), file).map((e) => e.id);
    expect(ids(SOURCE)).toEqual(expect.arrayContaining(ids(REFERENCE)));
  });

  it("holds the events seen on real servers since, each with its source", () => {
    const events = parseCatalogueData(build(SOURCE), SOURCE);
    const byId = Object.fromEntries(events.map((e) => [e.id, e]));
    for (const id of [
      "ssl_web_binding_update",
      "ssl_panel_binding_update",
      "ssl_mail_binding_update",
      "ssl_web_mail_binding_update",
      "site_alias_update",
    ]) {
      expect(byId[id]?.idStatus, id).toBe("observed");
      expect(byId[id]?.note, id).toMatch(/RoboCertSentry|seconddns/);
    }
    const params = (id: string) => byId[id]?.params.map((p) => [p.name, p.old, p.new]);
    expect(params("domain_alias_update")).toEqual([["DOMAIN_ALIAS_NAME", true, true]]);
    expect(params("site_alias_update")).toEqual([["DOMAIN_ALIAS_NAME", true, true]]);
    expect(params("site_update")).toEqual([["DOMAIN_NAME", true, true]]);
    expect(params("subdomain_update")).toEqual([
      ["SUBDOMAIN_NAME", true, true],
      ["DOMAIN_NAME", true, true],
    ]);
  });
});
