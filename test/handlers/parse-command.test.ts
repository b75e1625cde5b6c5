import { describe, expect, it } from "vitest";
import type { ParseContext } from "../../src/handlers/parse-context.js";
import { fakeContext, parse, parseOne } from "./parse-helpers.js";

const cmd = (command: string, extra = "", ctx?: ParseContext) =>
  parse(`event: client_create\n${extra}command: ${command}\n`, ctx);
const at = (line: number) => `handlers.d/crm.yaml:${line}: error:`;

describe("command", () => {
  it("splits a string into words like a POSIX shell", () => {
    const handler = parseOne(
      `event: client_create\ncommand: /bin/echo 'a b' "c \\"d\\"" e\\ f <new_login_name>x ''\n`,
    );
    expect(handler.argv).toEqual(["/bin/echo", "a b", 'c "d"', "e f", "<new_login_name>x", ""]);
    expect(handler.commandText).toBe(`/bin/echo 'a b' "c \\"d\\"" e\\ f <new_login_name>x ''`);
  });

  it("takes a list as the argv, numbers and booleans as their text", () => {
    const handler = parseOne("event: client_create\ncommand: [/bin/echo, a b, 5, true, '']\n");
    expect(handler.argv).toEqual(["/bin/echo", "a b", "5", "true", ""]);
    expect(handler.commandText).toBe("/bin/echo 'a b' 5 true ''");
  });

  it.each([['""'], ['"   "'], ["[]"]])("refuses an empty command: %s", (value) => {
    expect(cmd(value).out).toEqual([`${at(2)} command must not be empty`]);
  });

  it.each([[`"/bin/echo 'unclosed"`], [`"/bin/echo \\"unclosed"`], [`'/bin/echo trailing\\'`]])(
    "refuses unbalanced quoting: %s",
    (value) => {
      const text = cmd(value).out[0];
      expect(text).toMatch(
        /^handlers\.d\/crm\.yaml:2: error: command has an unclosed quote or a trailing backslash: "/,
      );
    },
  );

  it("pins the unclosed-quote message", () => {
    expect(cmd(`"/bin/echo 'oops"`).out).toEqual([
      `${at(2)} command has an unclosed quote or a trailing backslash: "/bin/echo 'oops"`,
    ]);
  });

  it.each([
    ["42", "42"],
    ["true", "true"],
    ["", "null"],
    ["{a: 1}", "a map"],
  ])("refuses command: %s", (value, got) => {
    expect(cmd(value).out).toEqual([
      `${at(2)} command must be a string or a list of strings, got ${got}`,
    ]);
  });

  it("reports a bad list item on its own line", () => {
    expect(
      parse("event: client_create\ncommand:\n  - /bin/echo\n  - [a]\n  - {b: 1}\n  -\n").out,
    ).toEqual([
      `${at(4)} command list items must be strings, got a list`,
      `${at(5)} command list items must be strings, got a map`,
      `${at(6)} command list items must be strings, got null`,
    ]);
  });

  it("refuses a program chosen by a placeholder", () => {
    expect(cmd("<new_script> --now").out).toEqual([
      `${at(2)} command: the program (first word) must not contain a placeholder, got "<new_script>"`,
    ]);
    expect(cmd("[/opt/<NEW_DIR>/run]").out).toEqual([
      `${at(2)} command: the program (first word) must not contain a placeholder, got "/opt/<NEW_DIR>/run"`,
    ]);
  });

  it("refuses an empty program and NUL characters", () => {
    expect(cmd("['', a]").out).toEqual([
      `${at(2)} command: the program (first word) must not be empty`,
    ]);
    expect(cmd('"/bin/echo a\\0b"').out).toEqual([
      `${at(2)} command must not contain NUL characters`,
    ]);
  });

  it("reports a program that cannot run, with the loader's reason", () => {
    expect(cmd("/opt/missing.sh --now").out).toEqual([
      `${at(2)} command: program /opt/missing.sh does not exist`,
    ]);
  });

  it("checks the program from the directory the handler starts in", () => {
    const seen: [string, string][] = [];
    const ctx = fakeContext({
      programCheck: (program, cwd) => {
        seen.push([program, cwd]);
        return undefined;
      },
    });
    cmd("./run.sh", "", ctx);
    cmd("./run.sh", "cwd: /opt/crm\n", ctx);
    cmd("./run.sh", "user: alice\n", ctx);
    cmd("./run.sh", "user: alice\ncwd: /srv\n", ctx);
    expect(seen).toEqual([
      ["./run.sh", "/root"],
      ["./run.sh", "/opt/crm"],
      ["./run.sh", "/home/alice"],
      ["./run.sh", "/srv"],
    ]);
  });
});

describe("shell: true", () => {
  it("keeps the command whole, for /bin/sh -c, and checks no program", () => {
    const handler = parseOne(
      'event: client_create\nshell: true\ncommand: missing-tool "$NEW_LOGIN_NAME" | tee -a /tmp/log\n',
    );
    expect(handler.shell).toBe(true);
    expect(handler.argv).toEqual(['missing-tool "$NEW_LOGIN_NAME" | tee -a /tmp/log']);
    expect(handler.commandText).toBe('missing-tool "$NEW_LOGIN_NAME" | tee -a /tmp/log');
  });

  it("needs a string", () => {
    expect(cmd("[/bin/echo, a]", "shell: true\n").out).toEqual([
      `${at(3)} with shell: true, command must be a string, got a list`,
    ]);
    expect(cmd('" "', "shell: true\n").out).toEqual([`${at(3)} command must not be empty`]);
  });

  it("refuses placeholders of params, telling to use the environment", () => {
    const { out } = cmd(
      "echo <new_login_name> <OLD_LOGIN_NAME> <Evh_Event> <new_login_name> <b> cat <in >out",
      "shell: true\n",
    );
    expect(out).toEqual([
      `${at(3)} with shell: true placeholders are not replaced; use "$NEW_LOGIN_NAME" instead of <new_login_name>`,
      `${at(3)} with shell: true placeholders are not replaced; use "$OLD_LOGIN_NAME" instead of <OLD_LOGIN_NAME>`,
      `${at(3)} with shell: true placeholders are not replaced; use "$EVH_EVENT" instead of <Evh_Event>`,
    ]);
  });

  it("reports a bad shell value without a second error about the command", () => {
    expect(cmd("/bin/true", "shell: maybe\n").out).toEqual([
      `${at(2)} shell must be true or false, got "maybe"`,
    ]);
  });
});

// SPEC §3: argv is readable by every local user; a command without a shell does not expand $NAME.
describe("command warnings", () => {
  const warn = (line: number) => `handlers.d/crm.yaml:${line}: warning:`;

  it("warns for a secret param's placeholder in argv, once per name", () => {
    const { handlers, out } = cmd(
      "/opt/x.sh <new_password> --pw=<NEW_PASSWORD> <new_login_name> <api_token> <evh_event>",
    );
    expect(handlers).toHaveLength(1);
    expect(out).toEqual([
      `${warn(2)} command: <new_password> puts the secret param NEW_PASSWORD on the command line, which every local user can read (ps); take it from $NEW_PASSWORD (with shell: true), EVH_PARAMS_FILE or stdin: json instead`,
      `${warn(2)} command: <api_token> puts the secret param API_TOKEN on the command line, which every local user can read (ps); take it from EVH_PARAMS_FILE or stdin: json instead`,
    ]);
  });

  it("counts the redact: fragments of evh.yaml as secrets too", () => {
    const ctx = fakeContext({ redactFragments: ["pin"] });
    expect(cmd("[/opt/x.sh, <new_card_pin>]", "", ctx).out).toEqual([
      `${warn(2)} command: <new_card_pin> puts the secret param NEW_CARD_PIN on the command line, which every local user can read (ps); take it from $NEW_CARD_PIN (with shell: true), EVH_PARAMS_FILE or stdin: json instead`,
    ]);
    expect(cmd("[/opt/x.sh, <new_card_pin>]").out).toEqual([]);
  });

  it("warns for $NAME and its braced form in a command without a shell", () => {
    const { handlers, out } = cmd(`'/opt/x.sh "$NEW_LOGIN_NAME" \${NEW_DOMAIN_NAME}/x $5 a$'`);
    expect(handlers).toHaveLength(1);
    expect(out).toEqual([
      `${warn(2)} command: $NEW_LOGIN_NAME is passed literally, since the command runs without a shell; use <new_login_name> to put the param's value there, or shell: true`,
      `${warn(2)} command: \${NEW_DOMAIN_NAME} is passed literally, since the command runs without a shell; use <new_domain_name> to put the param's value there, or shell: true`,
    ]);
  });

  it("says nothing about either with shell: true", () => {
    expect(cmd(`'/opt/x.sh "$NEW_PASSWORD" \${NEW_LOGIN_NAME}'`, "shell: true\n").out).toEqual([]);
  });
});
