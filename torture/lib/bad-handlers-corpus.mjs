/**
 * The corpus of torture:bad-handlers: broken handler files, each with the
 * located error SPEC §3 asks for (`<file>:<line>: error: <message>`).
 *
 * A case is `{ id, text | bytes, line, expect, setup?, rootOnly? }`: the
 * file content, the line the error must name, a RegExp for the message,
 * and optionally `setup(file)` run after the file is written (chmod,
 * chown, replacing it with a symlink). Every case defines (or would
 * define) a handler for every event, so a file that wrongly loads shows.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * @param ctx.record  the record-run.sh fixture
 * @param ctx.runs    the record file
 * @param ctx.scratch a directory for helper files (non-executable scripts)
 */
export function buildBadHandlerCorpus(ctx) {
  const cases = [];
  const command = JSON.stringify([ctx.record, ctx.runs, "0"]);
  const add = (id, text, line, expect, extra = {}) =>
    cases.push({ id, text, line, expect, ...extra });
  /** A valid handler whose line 4 is `key: value`. */
  const withKey = (key, value) => {
    const lines = ["id: case", 'event: "*"', `command: ${command}`];
    if (key === "id" || key === "event" || key === "command") {
      const at = { id: 0, event: 1, command: 2 }[key];
      lines.splice(at, 1);
      lines.splice(2, 0, `${key}: ${value}`);
      return { text: `${lines.join("\n")}\n`, line: 3 };
    }
    return { text: `${lines.join("\n")}\n${key}: ${value}\n`, line: 4 };
  };
  const typed = (key, value, expect) => {
    const { text, line } = withKey(key, value);
    add(`${key}: ${value}`, text, line, expect);
  };

  // Invalid YAML.
  // yaml reports an unclosed bracket or quote where the text ends: the line after it.
  add(
    "unclosed flow list",
    `id: case\nevent: [client_create\ncommand: ${command}\n`,
    3,
    /^invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
  );
  add(
    "unclosed quote",
    `id: case\nevent: "*"\ncommand: "${ctx.record}\n`,
    4,
    /^invalid YAML: Missing closing "quote$/,
  );
  add(
    "tab indentation",
    `id: case\nevent: "*"\nretry:\n\tattempts: 1\ncommand: ${command}\n`,
    4,
    /^invalid YAML: Tabs are not allowed as indentation$/,
  );
  add(
    "bad indentation",
    `id: case\n  event: "*"\ncommand: ${command}\n`,
    1,
    /^invalid YAML: (Nested mappings are not allowed in compact mappings|Implicit keys need to be on a single line)$/,
  );
  add(
    "value after value",
    `id: case: x\nevent: "*"\ncommand: ${command}\n`,
    1,
    /^invalid YAML: Nested mappings are not allowed in compact mappings$/,
  );
  add(
    "duplicate key",
    `id: case\nevent: "*"\nevent: client_create\ncommand: ${command}\n`,
    3,
    /^key "event" appears twice$/,
  );
  add(
    "python tag",
    `id: case\nevent: "*"\ncommand: !!python/object/apply:os.system ["id"]\n`,
    3,
    /^invalid YAML: Unresolved tag: tag:yaml\.org,2002:python\/object\/apply:os\.system$/,
  );
  add(
    "dangling alias",
    `id: case\nevent: *nope\ncommand: ${command}\n`,
    2,
    /^alias \*nope names no anchor defined before it$/,
  );
  add(
    "second document broken",
    `id: case-a\nevent: "*"\ncommand: ${command}\n---\nid: case-b\nevent: [\n`,
    7,
    /^invalid YAML: Flow sequence/,
  );
  add(
    "not UTF-8",
    Buffer.concat([
      Buffer.from(`id: case\nevent: "*"\ncommand: ${command}\n# `),
      Buffer.from([0xff, 0xfe, 0x0a]),
    ]),
    4,
    /^the file is not valid UTF-8/,
  );
  add(
    "latin1 comment",
    Buffer.concat([
      Buffer.from(`id: case\n# J`),
      Buffer.from([0xf6]),
      Buffer.from(`rg\nevent: "*"\ncommand: ${command}\n`),
    ]),
    2,
    /^the file is not valid UTF-8/,
  );
  add(
    "NUL byte",
    Buffer.concat([
      Buffer.from(`id: case\nevent: "*"\ncommand: ${command}\nenv: {A: "x`),
      Buffer.from([0]),
      Buffer.from('"}\n'),
    ]),
    4,
    /^env A must not contain NUL characters$/,
  );
  add(
    "binary garbage",
    Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 197 + 13) % 256)),
    1,
    /^the file is not valid UTF-8 \(save it as UTF-8\)$/,
  );
  add(
    "a list, not a map",
    `- id: case\n  event: "*"\n  command: ${command}\n`,
    1,
    /^a handler must be a map of keys/,
  );
  add("a string, not a map", "just some text\n", 1, /^a handler must be a map of keys/);

  // Missing and unknown keys.
  add("no command", 'id: case\nevent: "*"\n', 1, /^command is required$/);
  add("no event", `id: case\ncommand: ${command}\n`, 1, /^event is required$/);
  add(
    "unknown key",
    `id: case\nevent: "*"\ncommand: ${command}\ncomand: x\n`,
    4,
    /^unknown key "comand".*did you mean "command"/,
  );
  add(
    "misspelt required key",
    `id: case\nevent: "*"\ncomand: ${command}\n`,
    3,
    /^unknown key "comand".*did you mean "command"/,
  );

  // Every wrong type for every key.
  const kinds = { list: "[a, b]", map: "{a: 1}", null: "~", empty: '""' };
  for (const key of [
    "id",
    "event",
    "priority",
    "user",
    "command",
    "timeout",
    "enabled",
    "when",
    "env",
    "retry",
    "stdin",
    "encoding",
    "cwd",
    "shell",
  ]) {
    for (const [kind, value] of Object.entries(kinds)) {
      if (key === "event" && kind === "list") continue; // a list of ids is allowed
      if ((key === "when" || key === "env" || key === "retry") && kind === "map") continue; // maps are their type
      if ((key === "when" || key === "env") && kind === "null") continue; // `env:` with nothing is no env
      if (key === "command" && kind === "list") continue;
      const got = { list: "a list", map: "a map", null: "null", empty: '""' }[kind];
      typed(key, value, new RegExp(`^${key} must (be .*, got ${got}|not be empty)$`));
    }
  }
  typed("id", "has space", /^id must be/);
  typed("id", `"${"i".repeat(129)}"`, /^id must be/);
  typed(
    "event",
    "Client_Create",
    /^event must be an event id .*, got "Client_Create" \(did you mean "client_create"\?\)$/,
  );
  typed(
    "event",
    '"[unclosed"',
    /^event has a malformed glob "\[unclosed": "\[" at position 1 is never closed by "\]"$/,
  );
  typed("event", "[]", /^event must not be an empty list$/);
  typed("event", "[client_create, 7]", /^event list items must be strings/);
  typed("priority", "urgent", /^priority must be 0\.\.100 or lowest/);
  typed("priority", "101", /^priority must be 0\.\.100/);
  typed("priority", "-1", /^priority must be 0\.\.100/);
  typed("priority", "1.5", /^priority must be 0\.\.100/);
  typed("priority", "true", /^priority must be 0\.\.100/);
  typed("user", "nosuchuser-evh", /^user "nosuchuser-evh" does not exist on this system$/);
  typed("user", "99999", /^user 99999 does not exist on this system$/);
  typed("user", "true", /^user must be a user name or uid, got true$/);
  typed("timeout", "5 parsecs", /^timeout must be a duration/);
  typed("timeout", "-5s", /^timeout must be a duration/);
  typed("timeout", "true", /^timeout must be a duration/);
  typed("timeout", "100000h", /^timeout must be at most/);
  typed("enabled", "yes", /^enabled must be true or false, got "yes"$/);
  typed("enabled", "1", /^enabled must be true or false, got 1$/);
  typed("when", "[NEW_A]", /^when must be a map of PARAM_NAME: glob/);
  typed("when", '{NEW_A: "[unclosed"}', /^when NEW_A has a malformed glob/);
  typed("when", "{NEW_A: {x: 1}}", /^when NEW_A must be a glob or a list of globs, got a map$/);
  typed("env", "[A=1]", /^env must be a map of NAME: value/);
  typed("env", "{A: [1]}", /^env A must be a string, number or boolean/);
  typed("env", "{A: {b: 1}}", /^env A must be a string, number or boolean/);
  typed("retry", "3", /^retry must be a map like/);
  typed("retry", "{attempts: -1}", /^retry\.attempts must be an integer/);
  typed("retry", '{attempts: "x"}', /^retry\.attempts must be an integer/);
  typed("retry", "{attempts: 1, backoff: soon}", /^retry\.backoff must be a duration/);
  typed(
    "retry",
    "{attempts: 1, tries: 2}",
    /^retry: unknown key "tries"; allowed keys: attempts, backoff$/,
  );
  typed("stdin", "yaml", /^stdin must be none or json, got "yaml"$/);
  typed("stdin", "true", /^stdin must be none or json, got true$/);
  typed("encoding", "klingon", /^encoding must be a character set/);
  typed("encoding", "42", /^encoding must be a character set/);
  typed("cwd", "42", /^cwd must be an absolute path/);
  typed("shell", "yes", /^shell must be true or false, got "yes"$/);

  // Commands.
  const nonExec = path.join(ctx.scratch, "not-executable.sh");
  writeFileSync(nonExec, "#!/bin/sh\nexit 0\n", { mode: 0o644 });
  chmodSync(nonExec, 0o644);
  const dirProgram = mkdtempSync(path.join(ctx.scratch, "dir-"));
  typed("command", '""', /^command must not be empty$/);
  typed("command", "[]", /^command must not be empty$/);
  typed("command", "42", /^command must be a string or a list of strings, got 42$/);
  typed("command", "[/bin/true, [x]]", /^command list items must be strings, got a list$/);
  typed(
    "command",
    "/nonexistent/evh/handler.sh",
    /^command: program \/nonexistent\/evh\/handler\.sh does not exist$/,
  );
  typed(
    "command",
    "no-such-program-evh",
    /^command: program "no-such-program-evh" is not found \(or not executable\) in PATH /,
  );
  typed(
    "command",
    "missing-relative/handler.sh",
    /^command: program \/.*\/missing-relative\/handler\.sh does not exist$/,
  );
  typed(
    "command",
    nonExec,
    /^command: program \/.*not-executable\.sh is not executable \(fix: chmod \+x /,
  );
  typed("command", dirProgram, /^command: program \/.* is not a regular file$/);
  typed(
    "command",
    `"'/bin/echo unclosed"`,
    /^command has an unclosed quote or a trailing backslash/,
  );
  typed(
    "command",
    '"<new_login_name> x"',
    /^command: the program \(first word\) must not contain a placeholder, got "<new_login_name>"$/,
  );
  add(
    "placeholder with shell: true",
    `id: case\nevent: "*"\nshell: true\ncommand: echo <new_login_name> >> ${ctx.runs}\n`,
    4,
    /^with shell: true placeholders are not replaced; use "\$NEW_LOGIN_NAME" instead of <new_login_name>$/,
  );
  add(
    "evh placeholder with shell: true",
    `id: case\nevent: "*"\nshell: true\ncommand: echo "<evh_event_id>"\n`,
    4,
    /^with shell: true placeholders are not replaced; use "\$EVH_EVENT_ID" instead of <evh_event_id>$/,
  );
  add(
    "list command with shell: true",
    `id: case\nevent: "*"\nshell: true\ncommand: [echo, x]\n`,
    4,
    /^with shell: true, command must be a string/,
  );

  // Files as root would refuse them (SPEC §3, like cron).
  const good = `id: case\nevent: "*"\ncommand: ${command}\n`;
  add(
    "world-writable file",
    good,
    1,
    /^refused: the file is writable by group or others \(mode 0666\)/,
    { rootOnly: true, setup: (f) => chmodSync(f, 0o666) },
  );
  add(
    "group-writable file",
    good,
    1,
    /^refused: the file is writable by group or others \(mode 0664\)/,
    { rootOnly: true, setup: (f) => chmodSync(f, 0o664) },
  );
  add(
    "file owned by nobody",
    good,
    1,
    /^refused: the file is owned by uid 65534 \(nobody\), not root/,
    { rootOnly: true, setup: (f) => chownSync(f, 65534, 65534) },
  );
  add("dangling symlink", good, 1, /^symlink to a missing file/, {
    setup: (f) => replaceWithSymlink(f, "/nonexistent/evh.yaml"),
  });
  add("symlink into a world-writable directory", good, 1, /^refused: the symlink points into/, {
    rootOnly: true,
    setup: (f) => {
      const target = path.join(mkdtempSync(path.join(ctx.scratch, "ww-")), "h.yaml");
      chmodSync(path.dirname(target), 0o777);
      writeFileSync(target, good, { mode: 0o644 });
      replaceWithSymlink(f, target);
    },
  });

  // Huge files.
  add(
    "2 MiB file",
    `id: case\nevent: "*"\ncommand: ${command}\n# ${"x".repeat(2 * 1024 * 1024)}\n`,
    1,
    /^file is larger than the limit/,
  );
  add(
    "1 MiB of [",
    `id: case\nevent: "*"\ncommand: ${command}\nenv: ${"[".repeat(1024 * 1024 - 200)}\n`,
    4,
    /^YAML nesting deeper than 32 levels; a handler needs a few$/,
  );
  // 17 tokens on the first lines, then 3 per env entry: the 50,001st token is on line 16666.
  add(
    "100k env keys",
    `id: case\nevent: "*"\ncommand: ${command}\nenv:\n${Array.from({ length: 100_000 }, (_, i) => ` E${i.toString(36).toUpperCase()}: 1`).join("\n")}\n`,
    16_666,
    /^more than 50000 YAML tokens .* in one file; split it into several files$/,
  );
  add(
    "a megabyte of ] in a map",
    `id: case\nevent: "*"\ncommand: ${command}\nenv: ${"] ".repeat(500_000)}\n`,
    4,
    /^more than 50000 YAML tokens/,
  );
  add(
    "a megabyte of commas",
    `id: case\nevent: "*"\ncommand: ${command}\nenv: [${",".repeat(1_000_000)}]\n`,
    4,
    /^more than 50000 YAML tokens/,
  );
  add(
    "a megabyte of ---",
    `id: case\nevent: "*"\ncommand: ${command}\n${"---\n".repeat(262_000)}`,
    1003,
    /^more than 1000 documents in one file; split it into several files$/,
  );
  add(
    "alias bomb",
    `id: case\nevent: "*"\ncommand: ${command}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n${Array.from({ length: 9 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`).join("\n")}\n`,
    4,
    /^unknown key "x0"/,
  );
  return cases;
}

function replaceWithSymlink(file, target) {
  rmSync(file, { force: true });
  symlinkSync(target, file);
}
