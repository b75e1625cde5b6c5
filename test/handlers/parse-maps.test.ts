import { describe, expect, it } from "vitest";
import { parseOne, problems } from "./parse-helpers.js";

const one = (extra: string) => parseOne(`event: client_create\ncommand: /bin/true\n${extra}`);
const P = "handlers.d/crm.yaml:3: error:";

describe("env", () => {
  it("takes strings, numbers and booleans as text", () => {
    expect(
      one("env: { CRM_URL: 'https://crm', RETRIES: 3, DEBUG: false, lower_ok: x, _U: '' }\n").env,
    ).toEqual({
      CRM_URL: "https://crm",
      RETRIES: "3",
      DEBUG: "false",
      lower_ok: "x",
      _U: "",
    });
  });

  it("may override the base environment, not the agent's EVH_ variables", () => {
    expect(one("env: { PATH: /opt/bin }\n").env).toEqual({ PATH: "/opt/bin" });
    expect(problems("env: { EVH_EVENT: x }\n")).toEqual([
      `${P} env: names starting with EVH_ are reserved for the agent's own variables, got "EVH_EVENT"`,
    ]);
  });

  it("is empty when every entry is commented out", () => {
    expect(one("env:\n  # A: b\n").env).toEqual({});
  });

  it("refuses bad names and values, each on its line", () => {
    expect(
      problems('env:\n  MY-VAR: a\n  1ST: b\n  A: [x]\n  B:\n  C: {d: e}\n  D: "a\\0b"\n'),
    ).toEqual([
      'handlers.d/crm.yaml:4: error: env: names are letters, digits and _ not starting with a digit, got "MY-VAR"',
      'handlers.d/crm.yaml:5: error: env: names are letters, digits and _ not starting with a digit, got "1ST"',
      "handlers.d/crm.yaml:6: error: env A must be a string, number or boolean, got a list",
      "handlers.d/crm.yaml:7: error: env B must be a string, number or boolean, got null",
      "handlers.d/crm.yaml:8: error: env C must be a string, number or boolean, got a map",
      "handlers.d/crm.yaml:9: error: env D must not contain NUL characters",
    ]);
  });

  it.each([
    ["[A=b]", "a list"],
    ["A=b", '"A=b"'],
  ])("refuses env: %s", (value, got) => {
    expect(problems(`env: ${value}\n`)).toEqual([
      `${P} env must be a map of NAME: value, got ${got}`,
    ]);
  });
});

describe("retry", () => {
  it("takes attempts and an optional backoff (default 1s)", () => {
    expect(one("retry: { attempts: 3, backoff: 2s }\n").retry).toEqual({
      attempts: 3,
      backoffMs: 2000,
    });
    expect(one("retry: { attempts: 2 }\n").retry).toEqual({ attempts: 2, backoffMs: 1000 });
    expect(one("retry: { attempts: 0 }\n").retry).toEqual({ attempts: 0, backoffMs: 1000 });
    expect(one("retry: { attempts: 100, backoff: 500ms }\n").retry).toEqual({
      attempts: 100,
      backoffMs: 500,
    });
  });

  it.each([
    ["3", "3"],
    ["", "null"],
    ["[3]", "a list"],
  ])("refuses retry: %s", (value, got) => {
    expect(problems(`retry: ${value}\n`)).toEqual([
      `${P} retry must be a map like { attempts: 3, backoff: 2s }, got ${got}`,
    ]);
  });

  it.each([
    ["-1", "-1"],
    ["101", "101"],
    ["1.5", "1.5"],
    ["'3'", '"3"'],
    ["", "null"],
  ])("refuses retry.attempts: %s", (value, got) => {
    expect(problems(`retry:\n  attempts: ${value}\n`)).toEqual([
      `handlers.d/crm.yaml:4: error: retry.attempts must be an integer 0..100, got ${got}`,
    ]);
  });

  it("refuses a bad backoff and unknown keys, with a did-you-mean", () => {
    expect(
      problems("retry:\n  attempts: 3\n  backoff: soon\n  attempt: 2\n  jitter: 1s\n"),
    ).toEqual([
      'handlers.d/crm.yaml:5: error: retry.backoff must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got "soon"',
      'handlers.d/crm.yaml:6: error: retry: unknown key "attempt" (did you mean "attempts"?); allowed keys: attempts, backoff',
      'handlers.d/crm.yaml:7: error: retry: unknown key "jitter"; allowed keys: attempts, backoff',
    ]);
  });
});
