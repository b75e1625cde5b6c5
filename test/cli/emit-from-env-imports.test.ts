import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

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
