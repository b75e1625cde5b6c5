import { copyFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { readLog, waitForLog, withMessage } from "../helpers/agent-log.js";
import { eventIdOf } from "../helpers/drop-event.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

/** A handler that appends "<event id> <handler id> <attempt>" to out/runs. */
const recorder = (root: E2eRoot, id: string, fields: Record<string, unknown> = {}) => ({
  id,
  event: "*",
  command: [fixtureScript("record-run.sh"), root.out("runs")],
  ...fields,
});

/** The handler ids that ran for one event, in order. */
const handlersRun = (root: E2eRoot, name: string) =>
  root
    .lines("runs")
    .filter((line) => line.startsWith(`${eventIdOf(name)} `))
    .map((line) => line.split(" ")[1]);

/** Waits until the agent reports a reload of handlers.d with this many active handlers. */
const reloaded = (root: E2eRoot, how: string, active: number) =>
  waitForLog(
    root.logFile,
    (e) => e.message.startsWith(`handlers ${how}: ${active} active`),
    `handlers ${how} with ${active} active`,
  );

describe("handlers: matching and order", () => {
  test("handlers run by priority, then file order, then document order", async () => {
    const root = newRoot();
    root.handler("20-b.yaml", [
      recorder(root, "b1", { priority: "normal" }),
      recorder(root, "b2", { priority: "high" }),
      recorder(root, "b3", { priority: 50 }),
    ]);
    root.handler("10-a.yaml", [
      recorder(root, "a1", { priority: "normal" }),
      recorder(root, "a2", { priority: 10 }),
    ]);
    root.handler("30-c.yml", recorder(root, "c1", { priority: "highest" }));
    await root.start();
    const name = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("runs").length === 6, 10_000, "six runs");
    expect(handlersRun(root, name)).toEqual(["c1", "b2", "a1", "b1", "b3", "a2"]);
  });

  test("event globs and lists, and when globs, pick the handlers", async () => {
    const root = newRoot();
    root.handler("10-match.yaml", [
      recorder(root, "any"),
      recorder(root, "domains", { event: "domain_*" }),
      recorder(root, "clients", { event: ["client_create", "client_delete"] }),
      recorder(root, "example-com", { when: { NEW_DOMAIN_NAME: "*.example.com" } }),
      recorder(root, "a-or-b", { when: { NEW_DOMAIN_NAME: ["a.test", "b.*"] } }),
      recorder(root, "needs-param", { when: { NEW_IP_ADDRESS: "*" } }),
    ]);
    await root.start();
    const events = {
      shop: root.drop({ event: "domain_create", params: { NEW_DOMAIN_NAME: "shop.example.com" } }),
      bOrg: root.drop({ event: "domain_update", params: { NEW_DOMAIN_NAME: "b.org" } }),
      client: root.drop({ event: "client_delete" }),
      site: root.drop({ event: "site_create", params: { NEW_DOMAIN_NAME: "example.com" } }),
    };
    await waitFor(() => root.files("new").length + root.files("cur").length === 0);
    await waitForLog(root.logFile, (e) => e.message === "event done" && e.file === events.site);
    expect(handlersRun(root, events.shop)).toEqual(["any", "domains", "example-com"]);
    expect(handlersRun(root, events.bOrg)).toEqual(["any", "domains", "a-or-b"]);
    expect(handlersRun(root, events.client)).toEqual(["any", "clients"]);
    expect(handlersRun(root, events.site)).toEqual(["any"]);
  });
});

describe("handlers: reloading handlers.d", () => {
  test("a handler file added while running is used by the next event", async () => {
    const root = newRoot();
    root.handler("10-a.yaml", recorder(root, "a"));
    await root.start();
    const first = root.drop({ event: "client_create" });
    await waitFor(() => handlersRun(root, first).length === 1);

    root.handler("20-b.yaml", recorder(root, "b"));
    await reloaded(root, "reloaded after a change in handlers.d", 2);
    const second = root.drop({ event: "client_create" });
    await waitFor(() => handlersRun(root, second).length === 2);
    expect(handlersRun(root, first)).toEqual(["a"]);
    expect(handlersRun(root, second)).toEqual(["a", "b"]);
  });

  test("a reload never interrupts a running event; each event keeps the handlers current when it was claimed", async () => {
    const root = newRoot();
    const hold = {
      id: "hold",
      event: "*",
      command: [fixtureScript("hang-until.sh"), root.out("held"), root.out("release")],
    };
    root.handler("10-a.yaml", [hold, recorder(root, "after")]);
    await root.start();
    const a = root.drop({ event: "client_create" });
    await waitFor(() => root.lines("held").length === 1, 10_000, "A to start");
    const b = root.drop({ event: "client_create" });
    await waitFor(() => root.files("cur").includes(b), 10_000, "B claimed while A runs");

    root.handler("10-a.yaml", [hold, recorder(root, "added")]);
    await reloaded(root, "reloaded after a change in handlers.d", 2);
    const c = root.drop({ event: "client_create" });
    await waitFor(() => root.files("cur").includes(c), 10_000, "C claimed after the reload");
    writeFileSync(root.out("release"), "");
    await waitFor(() => root.files("cur").length === 0, 10_000, "all three done");

    expect(root.lines("held")).toEqual([a, b, c].map(eventIdOf));
    expect(handlersRun(root, a)).toEqual(["after"]);
    expect(handlersRun(root, b)).toEqual(["after"]);
    expect(handlersRun(root, c)).toEqual(["added"]);
  });

  test("a file broken while running keeps its last good version, and the error names file and line", async () => {
    const root = newRoot();
    root.handler("10-a.yaml", recorder(root, "a"));
    await root.start();
    root.handler("10-a.yaml", "id: a\nevent: '*'\ncommand: [unclosed\n");
    const error = await waitForLog(
      root.logFile,
      (e) => e.level === "error" && e.message.startsWith("handlers.d/10-a.yaml:"),
      "the load error",
    );
    expect(error.message).toMatch(/^handlers\.d\/10-a\.yaml:\d+: /);
    await reloaded(root, "reloaded after a change in handlers.d", 1);
    expect(
      withMessage(root.logFile, "last good version kept for handlers.d/10-a.yaml"),
    ).toHaveLength(1);

    const name = root.drop({ event: "client_create" });
    await waitFor(() => handlersRun(root, name).length === 1);
    expect(handlersRun(root, name)).toEqual(["a"]);
  });

  test("SIGHUP reloads handlers.d: a change the watcher cannot see takes effect", async () => {
    const root = newRoot();
    // The program does not exist yet, so the file fails to load. Creating the program
    // changes nothing inside handlers.d/: only SIGHUP makes the agent look again.
    const program = root.path("bin", "late.sh");
    root.handler("10-late.yaml", { id: "late", event: "*", command: [program, root.out("runs")] });
    root.handler("20-known.yaml", recorder(root, "known"));
    const agent = await root.start();
    expect(withMessage(root.logFile, "handlers.d/10-late.yaml:")[0]?.message).toMatch(
      /does not exist/,
    );
    const before = root.drop({ event: "client_create" });
    await waitFor(() => handlersRun(root, before).length === 1);

    root.write("bin/late.sh", "");
    copyFileSync(fixtureScript("record-run.sh"), program);
    agent.child.kill("SIGHUP");
    await reloaded(root, "reloaded on SIGHUP", 2);
    const after = root.drop({ event: "client_create" });
    await waitFor(() => handlersRun(root, after).length === 2);
    expect(handlersRun(root, before)).toEqual(["known"]);
    expect(handlersRun(root, after)).toEqual(["late", "known"]);
  });

  test("an unknown key is an error naming the file and line", async () => {
    const root = newRoot();
    root.handler(
      "30-typo.yaml",
      `id: typo\nevent: "*"\ncomand: ${fixtureScript("exit-code.sh")}\n`,
    );
    await root.start();
    const errors = readLog(root.logFile).filter((e) => e.level === "error");
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^handlers\.d\/30-typo\.yaml:3: .*unknown key "comand"/),
    ]);
  });
});
