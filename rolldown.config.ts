import { defineConfig } from "rolldown";

/**
 * `evh emit --from-env` as CommonJS, for bin/evh's fast path (docs/performance.md).
 * A panel waits for that command on every event, and Node's ES module loader
 * costs it ~10 ms before the first line runs; CommonJS `require` does not.
 * The input is tsc's output (dist/), so the code is the same as the ES
 * modules', only linked into fewer files:
 *
 *   dist/cjs/emit-from-env.cjs   the command
 *   dist/cjs/<shared>.cjs        what it shares with the lazy chunk below
 *   dist/cjs/resolve-config.cjs  the config reader, required only for an
 *                                evh.yaml that moves the spool in a way the
 *                                fast path does not read itself
 *
 * Packages (yaml) stay `require`s of node_modules. dist/cjs/ sits two levels
 * under the package root, like dist/config/, so `import.meta.url` (rewritten
 * to the chunk's own file) keeps find-root's PACKAGE_ROOT the package root.
 */
export default defineConfig({
  input: { "emit-from-env": "dist/cli/emit-from-env.js" },
  platform: "node",
  external: [/^[^./]/],
  output: {
    dir: "dist/cjs",
    format: "cjs",
    // ES modules are strict; their CommonJS form must stay so.
    strict: true,
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name].cjs",
    cleanDir: true,
  },
});
