import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // A private RUNTIME_DIRECTORY for the params files, so nothing is left in /run/evh.
    globalSetup: ["test/global-setup.ts"],
    // Tests start real agents and child processes; two cores run them best in a few forks.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
