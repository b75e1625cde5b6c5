import { mkdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { useE2eRoots } from "../helpers/e2e-root.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { waitFor } from "../helpers/wait-for.js";

const newRoot = useE2eRoots();

describe("concurrency and ordering keys", () => {
  test("with concurrency: 2, events with different keys run at the same time", async () => {
    const root = newRoot({ concurrency: 2 });
    const dir = root.out("overlap");
    mkdirSync(dir);
    // Each run waits until the other has started too: only overlapping runs both see it.
    root.handler("overlap.yaml", {
      id: "overlap",
      event: "*",
      command: [fixtureScript("overlap.sh"), dir, "<evh_event_id>"],
    });
    await root.start();
    root.drop({ event: "client_create", key: "first" }, "01-a.json");
    root.drop({ event: "client_create", key: "second" }, "02-b.json");
    const result = (name: string) => readFileSync(`${dir}/${name}.result`, "utf8").trim();
    await waitFor(() => result("01-a") && result("02-b"), 20_000, "both results");
    expect([result("01-a"), result("02-b")]).toEqual(["overlapped", "overlapped"]);
  });

  test("events with the same key never overlap and keep arrival order", async () => {
    const root = newRoot({ concurrency: 2 });
    root.handler("span.yaml", {
      id: "span",
      event: "*",
      command: [fixtureScript("span.sh"), root.out("spans"), "<evh_event_id>", "0.1"],
    });
    await root.start();
    // Same domain: the catalogue's subject param is the key. Explicit `key` fields for the rest.
    const sameDomain = { event: "domain_create", params: { NEW_DOMAIN_NAME: "same.test" } };
    const arrivals: [string, Record<string, unknown>][] = [
      ["01-s1", sameDomain],
      ["02-o1", { event: "domain_create", params: { NEW_DOMAIN_NAME: "one.test" } }],
      ["03-s2", sameDomain],
      ["04-k1", { event: "client_create", key: "k" }],
      ["05-s3", sameDomain],
      ["06-o2", { event: "domain_create", params: { NEW_DOMAIN_NAME: "two.test" } }],
      ["07-k2", { event: "client_create", key: "k" }],
      ["08-k3", { event: "client_create", key: "k" }],
    ];
    for (const [name, body] of arrivals) root.drop(body, `${name}.json`);
    await waitFor(() => root.lines("spans").length === 2 * arrivals.length, 20_000, "every run");

    const spans = root.lines("spans");
    const of = (...names: string[]) => spans.filter((l) => names.includes(l.split(" ")[1] ?? ""));
    const serial = (...names: string[]) => names.flatMap((n) => [`start ${n}`, `end ${n}`]);
    expect(of("01-s1", "03-s2", "05-s3")).toEqual(serial("01-s1", "03-s2", "05-s3"));
    expect(of("04-k1", "07-k2", "08-k3")).toEqual(serial("04-k1", "07-k2", "08-k3"));
  });
});
