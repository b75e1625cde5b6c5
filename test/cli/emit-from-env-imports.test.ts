import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EVH_BIN, run, TEST_ENV } from "../helpers/evh-process.js";
import { fixtureScript } from "../helpers/fixture-script.js";
import { makeTempRoot } from "../helpers/temp-root.js";

const CHECKOUT = fileURLToPath(new URL("../../", import.meta.url));
const SRC = path.join(CHECKOUT, "src");

/**
 * Every module `file` loads at start (static imports and re-exports, not
 * `import type` nor `await import()`), transitively: relative ones as files
 * under src/, the others as their specifiers.
 */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)) {
    const specifier = match[1] as string;
    if (specifier.startsWith(".")) {
      staticImports(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")), seen);
    } else {
      seen.add(specifier);
    }
  }
  return seen;
}

describe("evh emit --from-env loads only what emitting needs", () => {
  it("its module graph holds Node's built-ins and small evh modules, no package", () => {
    const graph = [...staticImports(path.join(SRC, "cli", "emit-from-env.ts"))];
    const packages = graph.filter((m) => !m.startsWith("/") && !m.startsWith("node:"));
    expect(packages).toEqual([]);
    const modules = graph.filter((m) => m.startsWith("/")).map((m) => path.relative(SRC, m));
    expect(modules.sort()).toEqual([
      "cli/emit-from-env.ts",
      "config/find-root.ts",
      "errors/evh-error.ts",
      "events/params-from-env.ts",
      "spool/emit-event.ts",
      "spool/spool-bytes-sync.ts",
      "system/atomic-write.ts",
      "system/trusted-path.ts",
    ]);
  });
});

/**
 * Runs `bin` with ARGS under the report-modules fixture: its result, the
 * CommonJS files it loaded (relative to `base`), whether the ES module
 * loader ran and node's flags. No $EVH_ROOT or $EVH_CONFIG of the test run's.
 */
async function loaded(args: string[], options: { bin?: string; base?: string } = {}) {
  const probe = fixtureScript("report-modules.cjs");
  const r = await run(options.bin ?? EVH_BIN, args, {
    env: {
      ...TEST_ENV,
      EVH_ROOT: undefined,
      EVH_CONFIG: undefined,
      NEW_DOMAIN_NAME: "example.com",
      NODE_OPTIONS: `--require ${JSON.stringify(probe)}`,
    },
  });
  const report = JSON.parse(r.stderr.trimEnd().split("\n").at(-1) as string) as {
    required: string[];
    esmLoader: boolean;
    execArgv: string[];
  };
  const base = options.base ?? CHECKOUT;
  return { ...r, ...report, required: report.required.map((f) => path.relative(base, f)).sort() };
}

describe("bin/evh emit --from-env as it runs", () => {
  it("loads bin/evh and the CommonJS chunks of dist/cjs/ alone: no package, no ES module, no V8 flag", async () => {
    const root = makeTempRoot();
    try {
      const r = await loaded(["emit", "--from-env", "domain_create", "--root", root.dir]);
      expect(r.code).toBe(0);
      expect(r.required[0]).toBe("bin/evh");
      expect(r.required).toContain("dist/cjs/emit-from-env.cjs");
      expect(r.required.slice(1).filter((f) => !f.startsWith("dist/cjs/"))).toEqual([]);
      expect(r.required).not.toContain("dist/cjs/resolve-config.cjs");
      expect(r.esmLoader).toBe(false);
      // The agent's heap flags would cost it Node's built-in code cache (bin/evh).
      expect(r.execArgv).toEqual([]);

      // The same probe sees the full CLI's packages and ES modules.
      const cli = await loaded(["--version"]);
      expect(cli.required).toContain("node_modules/commander/index.js");
      expect(cli.esmLoader).toBe(true);
    } finally {
      root.cleanup();
    }
  });

  it("loads the config reader (and yaml) only for an evh.yaml that moves the spool in its own words", async () => {
    const root = makeTempRoot();
    try {
      root.write("evh.yaml", "spool_dir: queue # relative: resolved by the config reader\n");
      const r = await loaded(["emit", "--from-env", "domain_create", "--root", root.dir]);
      expect(r.code).toBe(0);
      expect(path.dirname(r.stdout.trim())).toBe(root.path("queue", "new"));
      expect(r.required).toContain("dist/cjs/resolve-config.cjs");
      expect(r.required.some((f) => f.startsWith("node_modules/yaml/"))).toBe(true);
      expect(r.esmLoader).toBe(false);
    } finally {
      root.cleanup();
    }
  });

  it("needs nothing else of the package, and falls back to the package it runs from as the root", async () => {
    // A root (handlers.d/, spool/) holding a copy of bin/ and dist/cjs/ alone: no node_modules,
    // no ES modules of dist/. Without --root or $EVH_ROOT, the root is the package itself.
    const pkg = makeTempRoot("evh-fast-path-package-");
    try {
      for (const part of ["bin", "dist/cjs"]) {
        cpSync(path.join(CHECKOUT, part), pkg.path(part), { recursive: true });
      }
      const r = await loaded(["emit", "--from-env", "domain_create"], {
        bin: pkg.path("bin", "evh"),
        base: pkg.dir,
      });
      expect(r.code).toBe(0);
      expect(path.dirname(r.stdout.trim())).toBe(pkg.path("spool", "new"));
      expect(r.esmLoader).toBe(false);
    } finally {
      pkg.cleanup();
    }
  });
});
