// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell expansions are the subject here
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { translatePleskCommand } from "../../src/cli/plesk-command.js";

describe("translatePleskCommand", () => {
  it.each([
    // as given → [command, shell]
    ["/usr/local/bin/sync.sh <new_domain_name>", "/usr/local/bin/sync.sh <new_domain_name>", false],
    [
      "mail.sh --update $NEW_MAILNAME -antivirus inout",
      "mail.sh --update <new_mailname> -antivirus inout",
      false,
    ],
    [
      "/opt/c.sh ${NEW_DOMAIN_NAME} x${OLD_DOMAIN_NAME}y",
      "/opt/c.sh <new_domain_name> x<old_domain_name>y",
      false,
    ],
    ['/opt/c.sh "$NEW_CONTACT_NAME"', '/opt/c.sh "<new_contact_name>"', false],
    ["/opt/c.sh '$NEW_X'", "/opt/c.sh '$NEW_X'", false],
    ["/opt/c.sh \\$NEW_X", "/opt/c.sh \\$NEW_X", false],
    [
      "bash -c /usr/local/bin/seconddns-plesk-domain_create.sh",
      "bash -c /usr/local/bin/seconddns-plesk-domain_create.sh",
      false,
    ],
    // shell syntax keeps a shell; params become quoted expansions
    ["/bin/echo $NEW_MAILNAME >> /tmp/log", '/bin/echo "${NEW_MAILNAME}" >> /tmp/log', true],
    ["/bin/a <new_domain_name> && /bin/b", '/bin/a "${NEW_DOMAIN_NAME}" && /bin/b', true],
    [
      '/bin/echo "name: <new_login_name>" | logger',
      '/bin/echo "name: ${NEW_LOGIN_NAME}" | logger',
      true,
    ],
    [
      "/bin/echo 'x <new_login_name> y' > /tmp/f",
      "/bin/echo 'x '\"${NEW_LOGIN_NAME}\"' y' > /tmp/f",
      true,
    ],
    ["/bin/echo $HOME", "/bin/echo $HOME", true],
    ["/bin/echo $(date)", "/bin/echo $(date)", true],
    // $(...), backticks and here-documents: run as written, the author's quoting kept
    ["/bin/echo `date` $NEW_X", "/bin/echo `date` $NEW_X", true],
    ['echo "$(printf %s "$NEW_X")"', 'echo "$(printf %s "$NEW_X")"', true],
    ['echo "`echo $NEW_X`"', 'echo "`echo $NEW_X`"', true],
    ["cat <<EOF > /tmp/f\n$NEW_X\nEOF", "cat <<EOF > /tmp/f\n$NEW_X\nEOF", true],
    ["/bin/rm /tmp/*.log", "/bin/rm /tmp/*.log", true],
    ["/bin/true # comment", "/bin/true # comment", true],
    ["/bin/echo a#b", "/bin/echo a#b", false],
  ] as const)("%s", (given, command, shell) => {
    expect(translatePleskCommand(given)).toEqual({ command, shell, rewritten: command !== given });
  });
});

describe("translatePleskCommand, nested shell contexts", () => {
  it("keeps a quoted value one word inside $(...), as its author quoted it", () => {
    const { command } = translatePleskCommand('printf "[%s]" "$(printf %s "$NEW_X")"');
    const out = execFileSync("/bin/sh", ["-c", command], {
      cwd: "/",
      env: { PATH: "/usr/bin:/bin", NEW_X: "a b *" },
      encoding: "utf8",
    });
    expect(out).toBe("[a b *]");
  });

  it("refuses a <name> placeholder there, saying to write $NAME", () => {
    expect(() => translatePleskCommand("/bin/echo $(date) <new_x>")).toThrow(
      "-command: a <new_x> placeholder in a command with $(...), backticks or a here-document cannot be quoted safely; write $NEW_X there instead",
    );
  });
});
