import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";

const CHECKOUT = fileURLToPath(new URL("../../", import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(path.join(CHECKOUT, "package.json"), "utf8")) as {
    version: string;
  }
).version;
const scratch = mkdtempSync(path.join(tmpdir(), "evh-npm-install-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a program as the install steps of docs/operations.md do; no EVH_ROOT from the test run. */
function run(
  file: string,
  args: readonly string[],
  cwd = scratch,
  more: NodeJS.ProcessEnv = {},
): string {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVH_SYSTEM_ROOT: "/nonexistent/evh-system-root",
    ...more,
  };
  delete env.EVH_ROOT;
  delete env.EVH_CONFIG;
  return execFileSync(file, args, { cwd, env, encoding: "utf8", timeout: 240_000 });
}

describe("the npm package (docs/operations.md, from npm)", () => {
  test("npm pack, then npm install -g of the tarball: production dependencies only, and evh works", () => {
    // The documented steps, with --prefix scratch folders instead of / and /usr. `npm pack`
    // builds the man page in prepack; with --ignore-scripts (dist/ is already built) it is made here.
    run(process.execPath, ["scripts/build-man.mjs"], CHECKOUT);
    const tarball = run(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", scratch],
      CHECKOUT,
    ).trim();
    expect(tarball).toBe(`evh-${VERSION}.tgz`);
    const listing = run("tar", ["-tzf", path.join(scratch, tarball)]).split("\n");
    expect(listing).toEqual(
      expect.arrayContaining([
        "package/dist/cli/main.js",
        "package/dist/cjs/emit-from-env.cjs",
        "package/bin/evh",
        "package/bin/package.json",
        "package/LICENSE",
        "package/examples/evh.service",
        "package/examples/logrotate",
        "package/examples/log-event.sh",
        "package/man/evh.1",
        "package/handlers.d/00-example.yaml",
      ]),
    );
    expect(listing.filter((f) => f.startsWith("package/handlers.d/"))).toEqual([
      "package/handlers.d/00-example.yaml",
    ]);
    expect(
      listing.filter((f) => f.startsWith("package/src/") || f.startsWith("package/test/")),
    ).toEqual([]);

    const prefix = path.join(scratch, "usr");
    run("npm", [
      "install",
      "-g",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      path.join(scratch, tarball),
    ]);
    const installed = path.join(prefix, "lib", "node_modules", "evh");
    for (const dev of ["typescript", "vite", "vitest", "@biomejs", "marked-man"]) {
      expect(existsSync(path.join(installed, "node_modules", dev)), dev).toBe(false);
    }
    expect(existsSync(path.join(installed, "node_modules", "commander"))).toBe(true);
    expect(existsSync(path.join(prefix, "share", "man", "man1", "evh.1"))).toBe(true);
    const evh = path.join(prefix, "bin", "evh");
    expect(run(evh, ["--version"]).trim()).toBe(VERSION);

    const stage = path.join(scratch, "stage");
    expect(run(evh, ["init", "--system", "--prefix", stage])).toContain(
      path.join(stage, "etc/evh/evh.yaml"),
    );
    const root = path.join(stage, "etc", "evh");
    // validate exits 0 (execFileSync throws otherwise): no handler is broken.
    run(evh, ["validate", "--root", root]);
    const spooled = run(evh, [
      "emit",
      "--root",
      root,
      "client_create",
      "NEW_LOGIN_NAME=jdoe",
    ]).trim();
    expect(path.dirname(spooled)).toBe(path.join(stage, "var/spool/evh/new"));
    // The Plesk bridge's command: bin/evh's CommonJS fast path, through npm's bin link.
    const fromEnv = run(evh, ["emit", "--from-env", "client_create", "--root", root], scratch, {
      NEW_LOGIN_NAME: "jdoe",
    }).trim();
    expect(path.dirname(fromEnv)).toBe(path.join(stage, "var/spool/evh/new"));
    expect(run(evh, ["status", "--root", root])).toMatch(/spool: +2 new/);
  }, 300_000);
});
