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
    expect(resolveConfig({ env: { EVH_ROOT: root.dir } }).root).toBe(root.dir);
    expect(resolveConfig({ root: "/srv", env: { EVH_ROOT: root.dir } }).root).toBe("/srv");
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
      /evh\.yaml:2: unknown setting "concurency"; allowed: handlers_dir, .*concurrency/,
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
