import { describe, expect, it } from "vitest";
import { bridgeCommand, parseBridgeCommand } from "../../src/plesk/bridge-command.js";
import { parseEventList, parseHandlerList } from "../../src/plesk/plesk-listing.js";

/** The layout of Plesk 18.0.78's `event_handler --list` (docs/plesk.md, "Evidence"). */
const LISTING = [
  "   Id               4",
  "   Name             Subscription (default domain) created",
  "   Priority         50",
  "   User             root",
  "   Command          /usr/local/bin/dns-sync.sh <new_domain_name>",
  "",
  "   Id               12",
  "   Name             SSL/TLS certificate on domain assigned/unassigned",
  "   Priority         10",
  "   User             psaadm",
  "   Command          /opt/evh/bin/evh emit --from-env ssl_web_binding_update --root /srv/evh",
  "",
].join("\n");

describe("parseHandlerList", () => {
  it("reads Plesk's blocks: numeric ids, the event's title as Name, the command whole", () => {
    expect(parseHandlerList(LISTING)).toEqual([
      {
        id: 4,
        name: "Subscription (default domain) created",
        priority: "50",
        user: "root",
        command: "/usr/local/bin/dns-sync.sh <new_domain_name>",
      },
      {
        id: 12,
        name: "SSL/TLS certificate on domain assigned/unassigned",
        priority: "10",
        user: "psaadm",
        command: "/opt/evh/bin/evh emit --from-env ssl_web_binding_update --root /srv/evh",
      },
    ]);
  });

  it("keys on labels, not columns: CRLF, wider columns, no blank line between blocks", () => {
    const odd = "  Id    7\r\n  Command    /bin/true\r\n  Id  8\r\n  Command /bin/false\r\n";
    expect(parseHandlerList(odd).map((h) => [h.id, h.command])).toEqual([
      [7, "/bin/true"],
      [8, "/bin/false"],
    ]);
    expect(parseHandlerList("")).toEqual([]);
  });

  it("refuses what it cannot read instead of guessing ids", () => {
    expect(() => parseHandlerList("   Id               x1\n")).toThrow(
      "line 1: a handler block without a numeric Id",
    );
    expect(() => parseHandlerList("   Id               3\n   Name\tx\nTotal: 1\n")).toThrow(
      'line 3: not a "   Label   value" line: Total: 1',
    );
  });

  it("reads a listing without any Id line (whatever Plesk says when it has none) as no handlers", () => {
    expect(parseHandlerList("No event handlers found\n")).toEqual([]);
  });
});

describe("parseEventList", () => {
  it("takes the first word of each line that is an event id", () => {
    const text =
      "Events:\n\ndomain_create    Subscription created\nsite_create\n  mailname_create  x\n";
    expect(parseEventList(text)).toEqual(["domain_create", "site_create", "mailname_create"]);
  });
});

describe("the bridge's command", () => {
  it("is recognised again, with its event and root, and only in its own shape", () => {
    const command = bridgeCommand("/opt/evh/bin/evh", "domain_create", "/srv/evh");
    expect(command).toBe("/opt/evh/bin/evh emit --from-env domain_create --root /srv/evh");
    expect(parseBridgeCommand(command)).toEqual({
      evhPath: "/opt/evh/bin/evh",
      event: "domain_create",
      root: "/srv/evh",
    });
    for (const other of [
      "/usr/local/bin/dns-sync.sh <new_domain_name>",
      "/opt/evh/bin/evh emit domain_create",
      "/opt/evh/bin/evh emit --from-env domain_create --root /srv/evh; rm -rf /",
      "/opt/evil/bin/evh-not emit --from-env domain_create",
    ]) {
      expect(parseBridgeCommand(other)).toBeUndefined();
    }
  });

  it("refuses paths a shell and a plain split would read differently", () => {
    expect(() => bridgeCommand("/opt/my evh/bin/evh", "domain_create", "/srv/evh")).toThrow(
      '"/opt/my evh/bin/evh" holds spaces or shell characters; install evh and its root at plain paths (letters, digits, / . _ -)',
    );
  });
});
