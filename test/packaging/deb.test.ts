import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";

const CHECKOUT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(path.join(CHECKOUT, "package.json"), "utf8")) as { version: string }
).version;
/** What the package or its postinst creates: a machine that has any of them is not touched. */
const OWNED = [
  "/etc/evh",
  "/var/spool/evh",
  "/var/lib/evh",
  "/var/log/evh",
  "/run/evh",
  "/usr/lib/evh",
  "/usr/bin/evh",
  "/etc/logrotate.d/evh",
];
const hasDpkg = spawnSync("dpkg-deb", ["--version"]).status === 0;
const installed = spawnSync("dpkg", ["-s", "evh"]).status === 0;
const present = OWNED.filter((p) => existsSync(p));
const skipWhy = !isRoot
  ? ROOT_ONLY
  : !hasDpkg
    ? " (skipped: no dpkg on this machine)"
    : installed || present.length > 0
      ? ` (skipped: this machine already has evh (${present.join(", ") || "the package"}); the test would change it)`
      : "";

/** Runs as an administrator would: the machine's own root resolution, no test variables. */
function sh(file: string, args: readonly string[], more: NodeJS.ProcessEnv = {}): string {
  const env = { ...process.env, ...more };
  for (const name of ["EVH_ROOT", "EVH_CONFIG", "EVH_SYSTEM_ROOT"]) delete env[name];
  return execFileSync(file, args, { env, encoding: "utf8", timeout: 240_000 });
}

describe("the Debian package (docs/operations.md, from the .deb)", () => {
  test.skipIf(skipWhy !== "")(
    `npm run deb builds it; dpkg -i installs it and creates /etc/evh; dpkg -r keeps the config${skipWhy}`,
    () => {
      const out = mkdtempSync(path.join(tmpdir(), "evh-deb-"));
      try {
        const deb = sh("sh", [
          path.join(CHECKOUT, "scripts/build-deb.sh"),
          "--no-build",
          out,
        ]).trim();
        expect(deb).toBe(path.join(out, `evh_${VERSION}_all.deb`));
        expect(sh("dpkg-deb", ["-f", deb, "Depends"]).trim()).toBe("nodejs (>= 20), procps");
        expect(sh("dpkg-deb", ["-I", deb, "conffiles"]).trim()).toBe("/etc/logrotate.d/evh");

        sh("dpkg", ["-i", deb]);
        for (const file of [
          "/usr/lib/evh/dist/cli/main.js",
          "/usr/lib/evh/node_modules/commander/package.json",
          "/lib/systemd/system/evh.service",
          "/etc/logrotate.d/evh",
          "/usr/share/man/man1/evh.1.gz",
          "/usr/share/bash-completion/completions/evh",
          "/etc/evh/evh.yaml",
          "/etc/evh/handlers.d",
          "/var/spool/evh/new",
          "/var/lib/evh",
          "/var/log/evh",
        ]) {
          expect(existsSync(file), file).toBe(true);
        }
        for (const dev of ["typescript", "vite", "vitest", "@biomejs", "marked-man"]) {
          expect(existsSync(`/usr/lib/evh/node_modules/${dev}`), dev).toBe(false);
        }
        expect(sh("/usr/bin/evh", ["--version"]).trim()).toBe(VERSION);
        // /etc/evh is the root without being named, once evh.yaml is there.
        expect(sh("/usr/bin/evh", ["status"])).toContain("/etc/evh");
        sh("/usr/bin/evh", ["validate"]);

        // init again (as an upgrade's postinst does) changes nothing.
        const config = readFileSync("/etc/evh/evh.yaml", "utf8");
        const mtime = statSync("/etc/evh/evh.yaml").mtimeMs;
        sh("/usr/bin/evh", ["init", "--system"]);
        expect(readFileSync("/etc/evh/evh.yaml", "utf8")).toBe(config);
        expect(statSync("/etc/evh/evh.yaml").mtimeMs).toBe(mtime);

        const spooled = sh("/usr/bin/evh", ["emit", "client_create", "NEW_LOGIN_NAME=jdoe"]).trim();
        expect(path.dirname(spooled)).toBe("/var/spool/evh/new");
        rmSync(spooled);
        // The Plesk bridge's command: bin/evh's CommonJS fast path, through the /usr/bin/evh link.
        const fromEnv = sh("/usr/bin/evh", ["emit", "--from-env", "client_create"], {
          NEW_LOGIN_NAME: "jdoe",
        }).trim();
        expect(path.dirname(fromEnv)).toBe("/var/spool/evh/new");
        expect(JSON.parse(readFileSync(fromEnv, "utf8")).params).toEqual({
          NEW_LOGIN_NAME: "jdoe",
        });
        rmSync(fromEnv);

        const unit = spawnSync(
          "systemd-analyze",
          ["verify", "--man=no", "/lib/systemd/system/evh.service"],
          { encoding: "utf8" },
        );
        if (unit.error === undefined) expect(unit.stderr).toBe("");

        sh("dpkg", ["-r", "evh"]);
        expect(existsSync("/usr/bin/evh")).toBe(false);
        expect(existsSync("/usr/lib/evh")).toBe(false);
        expect(readFileSync("/etc/evh/evh.yaml", "utf8")).toBe(config);
        expect(existsSync("/etc/logrotate.d/evh")).toBe(true);

        sh("dpkg", ["--purge", "evh"]);
        for (const p of OWNED) expect(existsSync(p), p).toBe(false);
      } finally {
        spawnSync("dpkg", ["--purge", "evh"]);
        for (const p of OWNED) rmSync(p, { recursive: true, force: true });
        rmSync(out, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
