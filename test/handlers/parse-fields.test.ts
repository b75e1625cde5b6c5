import { describe, expect, it } from "vitest";
import {
  ALICE,
  aliceContext,
  fakeContext,
  NOBODY,
  parseOne,
  problems,
  ROOT,
} from "./parse-helpers.js";

const base = "event: client_create\ncommand: /bin/true\n";
const one = (extra: string) => parseOne(base + extra);
const P = "handlers.d/crm.yaml:3: error:";

describe("id", () => {
  it("accepts words with . _ - @ # : + and Plesk's numeric ids", () => {
    expect(one("id: crm-sync.v2@site#1:a+b\n").id).toBe("crm-sync.v2@site#1:a+b");
    expect(one("id: 42\n").id).toBe("42");
  });

  it.each([
    ['"a/b"', '"a/b"'],
    ['""', '""'],
    ["-x", '"-x"'],
    [".hidden", '".hidden"'],
    ["[a]", "a list"],
    ["1.5", "1.5"],
    ["true", "true"],
    ["", "null"],
    [`${"a".repeat(129)}`, `"${"a".repeat(129)}"`],
  ])("refuses id: %s", (value, got) => {
    expect(problems(`id: ${value}\n`)).toEqual([
      `${P} id must be up to 128 letters, digits and . _ - @ # : +, starting with a letter, digit or _, got ${got}`,
    ]);
  });
});

describe("priority", () => {
  it.each([
    ["0", 0],
    ["100", 100],
    ["37", 37],
    ["lowest", 0],
    ["low", 25],
    ["normal", 50],
    ["high", 75],
    ["highest", 100],
  ])("priority: %s is %d", (value, expected) => {
    expect(one(`priority: ${value}\n`).priority).toBe(expected);
  });

  it.each([
    ["urgent", '"urgent"'],
    ["High", '"High"'],
    ['"75"', '"75"'],
    ["101", "101"],
    ["-1", "-1"],
    ["2.5", "2.5"],
    ["true", "true"],
    ["", "null"],
    ["[1]", "a list"],
    ["{a: 1}", "a map"],
  ])("refuses priority: %s", (value, got) => {
    expect(problems(`priority: ${value}\n`)).toEqual([
      `${P} priority must be 0..100 or lowest|low|normal|high|highest, got ${got}`,
    ]);
  });
});

describe("user", () => {
  it("resolves a name or a uid; no user runs as the agent's own", () => {
    expect(one("user: nobody\n")).toMatchObject({ userName: "nobody", user: NOBODY });
    expect(one("user: 65534\n")).toMatchObject({ userName: "65534", user: NOBODY });
    expect(one("user: root\n")).toMatchObject({ userName: "root", user: ROOT });
    expect(one("")).toMatchObject({ userName: undefined, user: undefined });
  });

  it("refuses an unknown user", () => {
    expect(problems("user: no-such-user-evh\n")).toEqual([
      `${P} user "no-such-user-evh" does not exist on this system`,
    ]);
    expect(problems("user: 4242\n")).toEqual([`${P} user 4242 does not exist on this system`]);
  });

  it.each([
    ['""', '""'],
    ["-1", "-1"],
    ["[root]", "a list"],
    ["", "null"],
    ["true", "true"],
  ])("refuses user: %s", (value, got) => {
    expect(problems(`user: ${value}\n`)).toEqual([
      `${P} user must be a user name or uid, got ${got}`,
    ]);
  });

  it("refuses switching user unless the agent runs as root", () => {
    expect(problems("user: nobody\n", aliceContext())).toEqual([
      `${P} switching to user nobody requires the agent to run as root (it runs as alice)`,
    ]);
    expect(problems("user: 0\n", aliceContext())).toEqual([
      `${P} switching to user root requires the agent to run as root (it runs as alice)`,
    ]);
    expect(parseOne(`${base}user: alice\n`, aliceContext()).user).toEqual(ALICE);
  });
});

describe("shell and enabled", () => {
  it("are booleans", () => {
    expect(one("enabled: false\n").enabled).toBe(false);
    expect(one("shell: false\n").shell).toBe(false);
  });

  it.each([
    ["enabled", "yes", '"yes"'],
    ["enabled", "0", "0"],
    ["enabled", "", "null"],
    ["shell", '"true"', '"true"'],
    ["shell", "[]", "a list"],
  ])("refuses %s: %s", (key, value, got) => {
    expect(problems(`${key}: ${value}\n`)).toEqual([
      `${P} ${key} must be true or false, got ${got}`,
    ]);
  });
});

describe("timeout", () => {
  it.each([
    ["30s", 30_000],
    ["1.5m", 90_000],
    ["2h", 7_200_000],
    ["250ms", 250],
    ["1500ms", 1500],
    ['"1.5s"', 1500],
    ['"0"', 0],
    ["0", 0],
    ["596h", 596 * 3_600_000],
  ])("timeout: %s is %d ms", (value, ms) => {
    expect(one(`timeout: ${value}\n`).timeoutMs).toBe(ms);
  });

  it.each([
    ["5 minutes", '"5 minutes"'],
    ["-1", "-1"],
    ["1d", '"1d"'],
    ["", "null"],
    ["true", "true"],
    ["[1s]", "a list"],
  ])("refuses timeout: %s", (value, got) => {
    expect(problems(`timeout: ${value}\n`)).toEqual([
      `${P} timeout must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got ${got}`,
    ]);
  });

  it.each([
    ["30", "30", "30s or 30ms"],
    ['"30"', '"30"', "30s or 30ms"],
    ["1.5", "1.5", "1.5s or 1.5ms"],
  ])("refuses a bare number, timeout: %s, saying to add a unit", (value, got, fix) => {
    expect(problems(`timeout: ${value}\n`)).toEqual([
      `${P} timeout must be a duration with a unit (ms, s, m or h, e.g. 30s), or 0 for none, got ${got}: add a unit: ${fix}`,
    ]);
  });

  it("refuses a timeout longer than a timer can wait", () => {
    expect(problems("timeout: 600h\n")).toEqual([
      `${P} timeout must be at most 596.5h, got "600h"`,
    ]);
  });
});

describe("stdin, encoding, cwd, webhook", () => {
  it("accept their documented values", () => {
    expect(one("stdin: none\n").stdin).toBe("none");
    expect(one("stdin: json\n").stdin).toBe("json");
    expect(one("encoding: windows-1251\n").encoding).toBe("windows-1251");
    expect(one("encoding: UTF-16LE\n").encoding).toBe("UTF-16LE");
    expect(one("cwd: /opt/crm\n").cwd).toBe("/opt/crm");
  });

  it.each([
    ["yaml", '"yaml"'],
    ["JSON", '"JSON"'],
    ["true", "true"],
    ["", "null"],
  ])("refuses stdin: %s", (value, got) => {
    expect(problems(`stdin: ${value}\n`)).toEqual([`${P} stdin must be none or json, got ${got}`]);
  });

  it.each([
    ["klingon", '"klingon"'],
    ['""', '""'],
    ["1251", "1251"],
    ["", "null"],
  ])("refuses encoding: %s", (value, got) => {
    expect(problems(`encoding: ${value}\n`)).toEqual([
      `${P} encoding must be a character set such as utf-8, cp1251 or latin1, got ${got}`,
    ]);
  });

  it.each([
    ["opt/crm", '"opt/crm"'],
    ["~/crm", '"~/crm"'],
    ['""', '""'],
    ["", "null"],
    ["[/a]", "a list"],
  ])("refuses cwd: %s", (value, got) => {
    expect(problems(`cwd: ${value}\n`)).toEqual([`${P} cwd must be an absolute path, got ${got}`]);
  });
});

describe("relative paths", () => {
  const rooted = fakeContext({ baseDir: "/srv/evh" });

  it("resolve a relative cwd and a relative program path against the evh root", () => {
    const handler = parseOne(
      "event: client_create\ncommand: examples/log.sh <new_login_name>\ncwd: work/tmp\n",
      rooted,
    );
    expect(handler.cwd).toBe("/srv/evh/work/tmp");
    expect(handler.argv).toEqual(["/srv/evh/examples/log.sh", "<new_login_name>"]);
  });

  it("leave bare program names to the PATH search and absolute paths alone", () => {
    expect(parseOne("event: client_create\ncommand: logger hi\ncwd: /opt\n", rooted)).toMatchObject(
      {
        argv: ["logger", "hi"],
        cwd: "/opt",
      },
    );
  });

  it("stay errors when no root is known", () => {
    expect(problems("cwd: work\n")).toEqual([`${P} cwd must be an absolute path, got "work"`]);
  });
});
