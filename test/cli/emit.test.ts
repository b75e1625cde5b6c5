import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runEvh } from "../helpers/evh-process.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();
const SPOOLED = /^\d{13}-\d+-[0-9a-f]{8}\.(json|yaml|yml)$/;

describe("evh emit", () => {
  it("spools a validated event through tmp/ and prints its path in new/", async () => {
    const root = newRoot();
    const r = await root.evh(
      "emit",
      "client_create",
      "NEW_LOGIN_NAME=jdoe",
      "NEW_CONTACT_NAME=Jörg Müller",
      "NEW_EMAIL=a=b@example.com",
      "--id",
      "order-7",
      "--key",
      "jdoe",
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const file = r.stdout.trim();
    expect(path.dirname(file)).toBe(root.path("spool", "new"));
    expect(path.basename(file)).toMatch(SPOOLED);
    expect(root.names("spool/tmp")).toEqual([]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      event: "client_create",
      id: "order-7",
      key: "jdoe",
      params: {
        NEW_LOGIN_NAME: "jdoe",
        NEW_CONTACT_NAME: "Jörg Müller",
        NEW_EMAIL: "a=b@example.com",
      },
    });
  });

  it("warns about an unknown event with a did-you-mean, and spools it all the same", async () => {
    const root = newRoot();
    const r = await root.evh("emit", "clinet_create", "NEW_LOGIN_NAME=jdoe");
    expect(r.code).toBe(0);
    expect(errorLine(r)).toBe(
      'evh: warning: event "clinet_create" is not in the catalogue of known events (did you mean "client_create"?); evh list-events shows them',
    );
    expect(root.names("spool/new")).toHaveLength(1);
  });

  it("warns about missing required params", async () => {
    const root = newRoot();
    const r = await root.evh("emit", "client_create", "NEW_LOGIN_NAME=jdoe");
    expect(r.code).toBe(0);
    expect(errorLine(r)).toBe(
      "evh: warning: event client_create lacks required params NEW_CONTACT_NAME (evh list-params client_create shows them); handlers run anyway",
    );
  });

  it.each([
    [
      ["Client_Create"],
      'evh: invalid event: event "Client_Create" is not a valid event id (expected ^[a-z][a-z0-9_]{0,63}$)',
    ],
    [
      ["client_create", "EVH_EVENT=x"],
      "evh: invalid event: param EVH_EVENT uses the reserved prefix EVH_ (evh sets EVH_* variables itself)",
    ],
    [
      ["client_create", "new_login_name=x"],
      'evh: invalid event: param "new_login_name" is not a valid name (expected ^[A-Z][A-Z0-9_]*$)',
    ],
    [
      ["client_create", "jdoe"],
      'evh: expected a param as NAME=VALUE (e.g. NEW_LOGIN_NAME=jdoe), got "jdoe"',
    ],
    [["client_create", "A=1", "A=2"], "evh: param A is given twice"],
    [[], "evh: missing EVENT (e.g. evh emit client_create NEW_LOGIN_NAME=jdoe)"],
  ])("refuses %j as bad usage (exit 2), spooling nothing", async (args, message) => {
    const root = newRoot();
    const r = await root.evh("emit", ...args);
    expect(r.code).toBe(2);
    expect(errorLine(r)).toBe(message);
    expect(root.names("spool/new")).toEqual([]);
    expect(root.names("spool/tmp")).toEqual([]);
  });

  it("sends a prepared YAML file byte for byte, keeping its extension", async () => {
    const root = newRoot();
    const text = "event: domain_create\nparams:\n  NEW_DOMAIN_NAME: пример.рф\n";
    const source = root.write("prepared/event.yml", text);
    const r = await root.evh("emit", "--file", source);
    expect(r.code).toBe(0);
    const spooled = r.stdout.trim();
    expect(spooled.endsWith(".yml")).toBe(true);
    expect(path.basename(spooled)).toMatch(SPOOLED);
    expect(readFileSync(spooled, "utf8")).toBe(text);
  });

  it("refuses a file the agent would not parse or would quarantine", async () => {
    const root = newRoot();
    const txt = root.write("prepared/event.txt", '{"event":"client_create"}');
    const bad = root.write("prepared/bad.json", '{"event": 3}');
    const wrongType = await root.evh("emit", "--file", txt);
    expect(wrongType.code).toBe(2);
    expect(errorLine(wrongType)).toBe(
      `evh: --file ${txt}: event files end in .json, .yaml or .yml (the agent parses them by their extension)`,
    );
    const invalid = await root.evh("emit", "--file", bad);
    expect(invalid.code).toBe(2);
    expect(errorLine(invalid)).toBe(
      `evh: --file ${bad}: "event" must be a string, got a number (read as JSON, UTF-8)`,
    );
    const both = await root.evh("emit", "client_create", "--file", bad);
    expect(both.code).toBe(2);
    expect(root.names("spool/new")).toEqual([]);
  });

  it("finds the spool through --root from anywhere", async () => {
    const root = newRoot();
    const r = await runEvh(["emit", "service_restart", "--root", root.dir], { cwd: "/" });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(root.path("spool", "new"))).toBe(true);
  });
});
