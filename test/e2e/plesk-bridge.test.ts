import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { readLog, runsIn, waitForLog } from "../helpers/agent-log.js";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { EVH_BIN, runEvh } from "../helpers/evh-process.js";
import { FAKE_PLESK, listedIds, useFakePlesks } from "../helpers/fake-plesk.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { readEnvDump, readNulList } from "../helpers/nul-list.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();
const newPlesk = useFakePlesks();

/** The bridge's command for an event, as `install` registers it. */
const bridged = (event: string, root: string) =>
  `${EVH_BIN} emit --from-env ${event} --root ${root}`;

interface StatusRow {
  event: string;
  bridged: boolean;
  ids: number[];
}

// Each call of the fake Plesk and of evh starts a Node process: generous on a busy machine.
describe("evh plesk bridge", { timeout: 240_000 }, () => {
  test("install bridges every event once, a second install adds nothing, remove deletes only the bridge", async () => {
    const root = newRoot();
    const plesk = newPlesk();
    // An administrator's handler, and another evh root's bridge: neither may be touched.
    const foreign = [
      ["domain_create", "/usr/local/bin/dns-sync.sh"],
      ["client_create", `${EVH_BIN} emit --from-env client_create --root /srv/other-evh`],
    ];
    for (const [event, command] of foreign) {
      const ok = await plesk.plesk(
        ..."bin event_handler --create -priority 50 -user root -event".split(" "),
        event as string,
        "-command",
        command as string,
      );
      expect(ok.code).toBe(0);
    }
    const before = await plesk.list();

    const first = await plesk.evh("plesk", "bridge", "install", "--root", root.dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(
      `evh: 23 Plesk events bridged into ${root.dir} (23 handlers added, 0 already there)\n`,
    );
    const listing = await plesk.list();
    expect(listedIds(listing)).toHaveLength(2 + 23);
    expect(listing.startsWith(before)).toBe(true);
    expect(listing).toContain(
      [
        "   Id               3",
        "   Name             Customer account created",
        "   Priority         100",
        "   User             root",
        `   Command          ${bridged("client_create", root.dir)}`,
      ].join("\n"),
    );

    const second = await plesk.evh("plesk", "bridge", "install", "--root", root.dir);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe(
      `evh: 23 Plesk events bridged into ${root.dir} (0 handlers added, 23 already there)\n`,
    );
    expect(await plesk.list()).toBe(listing);

    const status = await plesk.evh("plesk", "bridge", "status", "--root", root.dir, "--json");
    const rows = JSON.parse(status.stdout) as StatusRow[];
    expect(rows).toHaveLength(23);
    expect(rows.every((r) => r.bridged && r.ids.length === 1)).toBe(true);

    // A handler the administrator adds afterwards survives the removal as well.
    await plesk.plesk(
      ..."bin event_handler --create -priority 10 -user root -event site_create -command /bin/true".split(
        " ",
      ),
    );
    const removed = await plesk.evh("plesk", "bridge", "remove", "--root", root.dir);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toBe(
      "evh: 23 bridge handlers deleted from Plesk; no other handler was touched\n",
    );
    const after = await plesk.list();
    expect(listedIds(after)).toEqual([1, 2, 26]);
    expect(after.startsWith(before)).toBe(true);
    const none = await plesk.evh("plesk", "bridge", "status", "--root", root.dir, "--json");
    expect((JSON.parse(none.stdout) as StatusRow[]).some((r) => r.bridged)).toBe(false);
  });

  test("--events picks a subset; an event Plesk does not have changes nothing (exit 2)", async () => {
    const root = newRoot();
    const plesk = newPlesk();
    const r = await plesk.evh(
      "plesk",
      "bridge",
      "install",
      "--root",
      root.dir,
      "--events",
      "domain_create,site_create",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "EVENT          ACTION   PLESK_ID",
        "domain_create  created  1",
        "site_create    created  2",
        "",
      ].join("\n"),
    );
    const bad = await plesk.evh(
      "plesk",
      "bridge",
      "install",
      "--root",
      root.dir,
      "--events",
      "domain_create,domian_delete",
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `evh: --events: domian_delete not among the events of ${FAKE_PLESK} bin event_handler --list-events; nothing was changed\n`,
    );
    expect(listedIds(await plesk.list())).toEqual([1, 2]);
    const status = await plesk.evh("plesk", "bridge", "status", "--root", root.dir);
    const lines = status.stdout.split("\n");
    expect(lines).toContain("domain_create           yes      1");
    expect(lines).toContain("client_create           no");
    expect(status.stderr).toBe(`evh: 2 of 23 events bridged into ${root.dir}\n`);
  });

  test("finds plesk on PATH, or the legacy event_handler utility; says so when there is none", async () => {
    const root = newRoot();
    const plesk = newPlesk();
    const onPath = await runEvh(
      ["plesk", "bridge", "install", "--root", root.dir, "--events", "domain_create"],
      { env: { ...plesk.env, PATH: `${path.dirname(FAKE_PLESK)}:${process.env.PATH}` } },
    );
    expect(onPath.code).toBe(0);
    const bin = mkdtempSync(path.join(tmpdir(), "evh-psa-bin-"));
    try {
      const legacy = path.join(bin, "event_handler");
      symlinkSync(FAKE_PLESK, legacy);
      const viaLegacy = await runEvh(
        ["plesk", "bridge", "status", "--root", root.dir, "--plesk", legacy, "--json"],
        { env: plesk.env },
      );
      expect(viaLegacy.code).toBe(0);
      const row = (JSON.parse(viaLegacy.stdout) as StatusRow[]).find(
        (r) => r.event === "domain_create",
      );
      expect(row).toEqual({ event: "domain_create", bridged: true, ids: [1] });
      const missing = await runEvh(["plesk", "bridge", "status", "--root", root.dir], {
        env: { PATH: path.dirname(process.execPath) },
      });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(
        "evh: Plesk's event_handler utility was not found (no plesk on PATH, no /usr/local/psa/bin/event_handler); give it with --plesk PATH\n",
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test("a Plesk event reaches the evh handler with its values and the IDN form; the password stays out of the log", async () => {
    const root = newRoot();
    const plesk = newPlesk();
    const password = "Sup3r-Secret!pw";
    root.handler("dns.yaml", [
      {
        id: "env",
        event: "domain_create",
        command: [fixtureScript("dump-env.sh"), root.out("env")],
      },
      {
        id: "talk",
        event: "domain_create",
        command: [fixtureScript("print-output.sh"), "<new_system_user_password>", "done"],
      },
    ]);
    await root.start();
    expect(
      (
        await plesk.evh(
          "plesk",
          "bridge",
          "install",
          "--root",
          root.dir,
          "--events",
          "domain_create",
        )
      ).code,
    ).toBe(0);
    const fired = await plesk.plesk(
      "fake-fire",
      "domain_create",
      "NEW_DOMAIN_NAME=пример.рф",
      `NEW_SYSTEM_USER_PASSWORD=${password}`,
    );
    expect(fired.stderr).toBe("");
    expect(fired.code).toBe(0);
    await waitForLog(root.logFile, (e) => e.handler === "talk", "the talk handler's run", 20_000);
    const env = readEnvDump(root.out("env"));
    expect(env).toMatchObject({
      NEW_DOMAIN_NAME: "пример.рф",
      NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd.xn--p1ai",
      NEW_SYSTEM_USER_PASSWORD: password,
      EVH_EVENT: "domain_create",
    });
    // Only OLD_*/NEW_* crossed over: the panel's own environment did not.
    expect(env.FAKE_PLESK_DIR).toBeUndefined();
    const talk = runsIn(root.logFile).find((r) => r.handler === "talk");
    expect(talk).toMatchObject({ outcome: "ok", stdout: "***\n" });
    expect(JSON.stringify(readLog(root.logFile))).not.toContain(password);
  });

  test("200 events fired while the agent is stopped all run once it starts, in order per domain", async () => {
    const root = newRoot({ concurrency: 4 });
    const plesk = newPlesk();
    root.handler("seq.yaml", {
      id: "seq",
      event: "domain_update",
      shell: true,
      command: `printf '%s %s\\n' "$NEW_DOMAIN_NAME" "$NEW_SEQ" >> ${root.out("seq")}`,
    });
    expect(
      (
        await plesk.evh(
          "plesk",
          "bridge",
          "install",
          "--root",
          root.dir,
          "--events",
          "domain_update",
        )
      ).code,
    ).toBe(0);
    const domains = ["a.example", "b.example", "c.example", "d.example"];
    const batch = path.join(plesk.dir, "batch.jsonl");
    writeFileSync(
      batch,
      Array.from({ length: 200 }, (_, i) => {
        const domain = domains[i % domains.length];
        const params = { OLD_DOMAIN_NAME: domain, NEW_DOMAIN_NAME: domain, NEW_SEQ: String(i) };
        return `${JSON.stringify({ event: "domain_update", params })}\n`;
      }).join(""),
    );
    const fired = await plesk.plesk("fake-fire-batch", batch);
    expect(fired.stderr).toBe("");
    expect(fired.code).toBe(0);
    expect(root.files("new")).toHaveLength(200);

    await root.start();
    await waitFor(() => root.lines("seq").length === 200, 120_000, "200 runs");
    const seen = new Map<string, number[]>();
    for (const line of root.lines("seq")) {
      const [domain, seq] = line.split(" ");
      seen.set(domain as string, [...(seen.get(domain as string) ?? []), Number(seq)]);
    }
    for (const [i, domain] of domains.entries()) {
      const expected = Array.from({ length: 50 }, (_, k) => k * domains.length + i);
      expect(seen.get(domain)).toEqual(expected);
    }
  }, 300_000);
});

describe("evh plesk import", { timeout: 240_000 }, () => {
  test("turns Plesk's handlers into handler files that run; skips the bridge; reports unknown titles", async () => {
    const root = newRoot();
    const plesk = newPlesk();
    const create = (event: string, priority: string, user: string, command: string) =>
      plesk.plesk(
        ..."bin event_handler --create -event".split(" "),
        event,
        "-priority",
        priority,
        "-user",
        user,
        "-command",
        command,
      );
    await create(
      "domain_create",
      "75",
      "root",
      `${fixtureScript("dump-argv.sh")} ${root.out("argv")} <new_domain_name>`,
    );
    await create("client_create", "10", "nobody", "/bin/true");
    expect(
      (await plesk.evh("plesk", "bridge", "install", "--root", root.dir, "--events", "site_create"))
        .code,
    ).toBe(0);

    const r = await plesk.evh("plesk", "import", "--root", root.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      "evh: imported 2 Plesk handlers. They still run in Plesk too: once checked (evh list, evh test), delete them there (plesk bin event_handler --delete ID, ids 1, 2) and bridge the events (evh plesk bridge install)\n",
    );
    const list = await runEvh(["list", "--root", root.dir, "--json"]);
    const handlers = (JSON.parse(list.stdout) as Record<string, unknown>[]).map((h) => [
      (h.events as string[])[0],
      h.priority,
      h.user,
      h.state,
    ]);
    expect(handlers).toEqual([
      ["client_create", 10, "nobody", "active"],
      ["domain_create", 75, "root", "active"],
    ]);

    // The documented switch: delete the originals in Plesk, bridge the event; the copy runs in evh.
    for (const id of ["1", "2"]) {
      expect((await plesk.plesk("bin", "event_handler", "--delete", id)).code).toBe(0);
    }
    const bridge = ["plesk", "bridge", "install", "--root", root.dir, "--events", "domain_create"];
    expect((await plesk.evh(...bridge)).code).toBe(0);
    await root.start();
    const fired = await plesk.plesk("fake-fire", "domain_create", "NEW_DOMAIN_NAME=example.org");
    expect(fired.code).toBe(0);
    await waitFor(() => existsSync(root.out("argv")), 20_000, "the imported handler's run");
    await waitForLog(root.logFile, (e) => e.outcome === "ok", "the run's log line", 20_000);
    expect(readNulList(root.out("argv"))).toEqual(["example.org"]);

    const unknown = [
      "   Id               9",
      "   Name             A title no one knows",
      "   Priority         50",
      "   User             root",
      "   Command          /bin/true",
      "",
    ].join("\n");
    const bad = await runEvh(["plesk", "import", "--root", root.dir, "--from", "-"], {
      input: unknown,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr.split("\n")[0]).toBe(
      `evh: warning: Plesk handler 9: no known event has the title "A title no one knows"; not imported: create it with evh event_handler --create -event ID -priority 50 -user root -command '...'`,
    );
  });
});
