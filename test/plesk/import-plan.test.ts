import { describe, expect, it } from "vitest";
import { planImport, titlesFromEventList } from "../../src/plesk/import-plan.js";
import type { PleskHandler } from "../../src/plesk/plesk-listing.js";

const handler = (id: number, name: string, command = "/bin/true"): PleskHandler => ({
  id,
  name,
  priority: "50",
  user: "root",
  command,
});

describe("planImport", () => {
  it("finds the event by title, Plesk's own titles first; skips the bridge; reports unknown titles", () => {
    const plesk = titlesFromEventList("domain_create   Domain created\nsite_create\n");
    const catalogue = new Map([
      ["subscription (default domain) created", "domain_create"],
      ["domain created", "not_this_one"],
    ]);
    const plan = planImport(
      [
        handler(1, "Domain created"),
        handler(2, "Subscription (default domain) created"),
        handler(
          3,
          "Domain created",
          "/opt/evh/bin/evh emit --from-env domain_create --root /srv/evh",
        ),
        handler(4, "Something else"),
      ],
      [plesk, catalogue],
    );
    expect(
      plan.map((item) => [item.handler.id, item.kind, "event" in item ? item.event : null]),
    ).toEqual([
      [1, "import", "domain_create"],
      [2, "import", "domain_create"],
      [3, "bridge", null],
      [4, "unknown-title", null],
    ]);
  });
});
