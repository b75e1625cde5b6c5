import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { ConfigError } from "../../src/errors/evh-error.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
afterEach(() => root?.cleanup());

describe("resolveConfig", () => {
  it("defaults every field from the root", () => {
    root = makeTempRoot();
    const config = resolveConfig({ root: root.dir, env: {} });
    expect(config).toMatchObject({
      root: root.dir,
      configFile: undefined,
      handlersDir: root.path("handlers.d"),
      spoolDir: root.path("spool"),
      varDir: root.path("var"),
      logFile: root.path("var", "log", "evh.log"),
      concurrency: 1,
      keepDone: false,
      dedupeWindowMs: 86_400_000,
      settleDelayMs: 1000,
      graceMs: 30_000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("takes the root from EVH_ROOT when no flag is given, and the flag over it", () => {
    root = makeTempRoot();
    const other = makeTempRoot();
    try {
      expect(resolveConfig({ env: { EVH_ROOT: root.dir } })).toMatchObject({
        root: root.dir,
        rootWhy: "$EVH_ROOT",
      });
      expect(resolveConfig({ root: other.dir, env: { EVH_ROOT: root.dir } })).toMatchObject({
        root: other.dir,
        rootWhy: "--root",
      });
    } finally {
      other.cleanup();
    }
  });

  it("else takes the system root when its evh.yaml exists, else the installation, never the current directory", () => {
    root = makeTempRoot();
    const cwd = makeTempRoot();
    try {
      const system = root.dir;
      root.write("evh.yaml", "concurrency: 2\n");
      expect(resolveConfig({ env: { EVH_SYSTEM_ROOT: system }, cwd: cwd.dir })).toMatchObject({
        root: system,
        rootWhy: `${root.path("evh.yaml")} exists`,
        concurrency: 2,
      });
      const installation = resolveConfig({
        env: { EVH_SYSTEM_ROOT: cwd.path("none") },
        cwd: cwd.dir,
      });
      expect(installation.root).toBe(path.resolve(import.meta.dirname, "../.."));
      expect(installation.rootWhy).toMatch(/^the evh installation itself/);
    } finally {
      cwd.cleanup();
    }
  });

  it("refuses a root that is not an evh root, naming it and how it was chosen", () => {
    root = makeTempRoot();
    const empty = root.path("empty");
    mkdirSync(empty);
    expect(() => resolveConfig({ root: empty, env: {} })).toThrow(
      `${empty} is not an evh root (no evh.yaml, no handlers.d/; chosen by --root); create one with \`evh init DIR\` or name another with --root`,
    );
    expect(() => resolveConfig({ env: { EVH_ROOT: empty } })).toThrow(/chosen by \$EVH_ROOT/);
    expect(existsSync(path.join(empty, "handlers.d"))).toBe(false);
  });

  it("lists every problem of evh.yaml, each with its line, and suggests the nearest key", () => {
    root = makeTempRoot();
    root.write(
      "evh.yaml",
      "# settings\nconcurency: 2\ngrace: 30\nkeep_done: yes\nlog:\n  levle: debug\n  file: a.log\n",
    );
    const file = root.path("evh.yaml");
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(
      [
        `${file}:2: unknown setting "concurency" (did you mean "concurrency"?); allowed: handlers_dir, spool_dir, var_dir, concurrency, keep_done, dedupe_window, settle_delay, max_event_size, rescan_interval, grace, redact, log, producer_group`,
        `${file}:3: grace must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got 30: add a unit: 30s or 30ms`,
        `${file}:4: keep_done must be true or false, got "yes"`,
        `${file}:6: unknown setting "log.levle" (did you mean "log.level"?); allowed: log.level, log.file`,
      ].join("\n"),
    );
  });

  it("says where each setting came from", () => {
    root = makeTempRoot();
    root.write("evh.yaml", "concurrency: 2\ngrace: 5s\nlog: { level: debug }\n");
    const config = resolveConfig({ root: root.dir, env: {}, overrides: { graceMs: 1000 } });
    expect(config.origins).toEqual({
      concurrency: `${root.path("evh.yaml")}:1`,
      grace: "--grace",
      "log.level": `${root.path("evh.yaml")}:3`,
    });
  });

  it("reads evh.yaml, converting durations and resolving paths against the root", () => {
    root = makeTempRoot();
    root.write(
      "evh.yaml",
      "concurrency: 4\nkeep_done: true\ndedupe_window: 1h\ngrace: 5s\nspool_dir: /var/spool/evh\nlog: { level: debug, file: logs/a.log }\nredact: [API_KEY]\n",
    );
    const config = resolveConfig({ root: root.dir, env: {}, overrides: { graceMs: 1000 } });
    expect(config).toMatchObject({
      concurrency: 4,
      keepDone: true,
      dedupeWindowMs: 3_600_000,
      graceMs: 1000,
      spoolDir: "/var/spool/evh",
      logFile: root.path("logs", "a.log"),
      logLevel: "debug",
      redact: ["API_KEY"],
    });
  });

  it("names the file, line and allowed keys for an unknown setting", () => {
    root = makeTempRoot();
    root.write("evh.yaml", "concurrency: 2\nconcurency: 3\n");
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(
      /evh\.yaml:2: unknown setting "concurency" \(did you mean "concurrency"\?\); allowed: handlers_dir, .*concurrency/,
    );
  });

  it("says what was expected and what it got for a bad value", () => {
    root = makeTempRoot();
    root.write("evh.yaml", "# comment\nconcurrency: 0\n");
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(ConfigError);
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(
      /evh\.yaml:2: concurrency must be a whole number from 1 to 256, got 0/,
    );
  });

  it("refuses a bare number as a duration, saying to add a unit; 0 stays none", () => {
    root = makeTempRoot();
    root.write("evh.yaml", "concurrency: 2\ngrace: 30\n");
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(
      "evh.yaml:2: grace must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got 30: add a unit: 30s or 30ms",
    );
    root.write("evh.yaml", "grace: 0\n");
    expect(resolveConfig({ root: root.dir, env: {} }).graceMs).toBe(0);
  });

  it("refuses a --config file that does not exist", () => {
    root = makeTempRoot();
    expect(() =>
      resolveConfig({ root: root.dir, config: root.path("nope.yaml"), env: {} }),
    ).toThrow(/config file .*nope\.yaml does not exist/);
  });

  it("resolves producer_group to its gid, and names the file and line for an unknown group", () => {
    root = makeTempRoot();
    root.write("evh.yaml", "concurrency: 2\nproducer_group: nogroup\n");
    expect(resolveConfig({ root: root.dir, env: {} }).producerGroup).toEqual({
      name: "nogroup",
      gid: 65534,
    });
    root.write("evh.yaml", "concurrency: 2\nproducer_group: no-such-group-evh\n");
    expect(() => resolveConfig({ root: root.dir, env: {} })).toThrow(
      `${root.path("evh.yaml")}:2: producer_group: there is no group "no-such-group-evh" on this system; create it (groupadd no-such-group-evh) or fix the name`,
    );
  });
});
