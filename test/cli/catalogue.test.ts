import { describe, expect, it } from "vitest";
import { isRoot } from "../helpers/is-root.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

describe("evh list-events", () => {
  it("lists the catalogue with titles, marking uncertain ids and params", async () => {
    const root = newRoot();
    const r = await root.evh("list-events");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^ID +\? +TITLE$/);
    expect(lines).toContain(lines.find((l) => /^client_create +Customer account created$/.test(l)));
    expect(lines.find((l) => l.startsWith("admin_alias_create "))).toMatch(/ \? {2,}Additional/);
    expect(r.stdout).toContain("?  the event id is inferred or guessed");
    const json = JSON.parse((await root.evh("list-events", "--json")).stdout);
    expect(json.find((e: { id: string }) => e.id === "client_create")).toEqual({
      id: "client_create",
      title: "Customer account created",
      id_status: "documented",
      params_status: "documented",
    });
  });
});

describe("evh list-params", () => {
  it("gives env names, placeholders, old/new and required; a domain param shows its _ASCII form", async () => {
    const root = newRoot();
    const r = await root.evh("list-params", "domain_create");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `ENV                    PLACEHOLDER              OLD/NEW  REQUIRED  TITLE
NEW_DOMAIN_NAME        <new_domain_name>        new      yes       Domain name
NEW_DOMAIN_NAME_ASCII  <new_domain_name_ascii>  new      -         Domain name, ASCII form (by evh)
`,
    );
    const json = JSON.parse((await root.evh("list-params", "client_update", "--json")).stdout);
    expect(json).toMatchObject({ event: "client_update", title: expect.any(String) });
    expect(json.params.slice(0, 2)).toEqual([
      {
        env: "OLD_LOGIN_NAME",
        placeholder: "<old_login_name>",
        side: "old",
        required: true,
        title: "Username",
        ascii: null,
      },
      {
        env: "NEW_LOGIN_NAME",
        placeholder: "<new_login_name>",
        side: "new",
        required: true,
        title: "Username",
        ascii: null,
      },
    ]);
  });

  it("names an unknown event with a did-you-mean (exit 1)", async () => {
    const root = newRoot();
    const r = await root.evh("list-params", "clinet_create");
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(
      'evh: event "clinet_create" is not in the catalogue (did you mean "client_create"?); evh list-events shows the known events',
    );
  });
});

describe("evh list-users", () => {
  it("lists /etc/passwd accounts with uid, gid, home and shell", async () => {
    const root = newRoot();
    const r = await root.evh("list-users");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^NAME +UID +GID +HOME +SHELL$/);
    expect(r.stdout).toMatch(/^root +0 +0 +\/root +\S+$/m);
    const users = JSON.parse((await root.evh("list-users", "--json")).stdout);
    expect(users.find((u: { name: string }) => u.name === "root")).toEqual({
      name: "root",
      uid: 0,
      gid: 0,
      home: "/root",
      shell: expect.any(String),
      usable: isRoot,
    });
    if (!isRoot) expect(r.stdout).toContain("not root: handlers can run only as");
  });
});
