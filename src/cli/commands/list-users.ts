import type { Command } from "commander";
import { currentUser, listSystemUsers } from "../../system/system-users.js";
import { formatTable, say } from "../output.js";
import { type CommonOptions, configFor, type Done, withCommon } from "../program.js";

interface ListUsersOptions extends CommonOptions {
  json?: boolean;
}

/** `evh list-users`: the accounts a handler's `user` may name. */
export function registerListUsers(program: Command, done: Done): void {
  withCommon(program.command("list-users"))
    .description("system users a handler may run as")
    .option("--json", "machine-readable output")
    .action((options: ListUsersOptions) => done(listUsers(options)));
}

async function listUsers(options: ListUsersOptions): Promise<number> {
  configFor(options);
  say(formatUsers(options.json === true));
  return 0;
}

/**
 * Accounts of /etc/passwd. Switching user needs root (SPEC §4): when this
 * process is not root, only its own account is usable, and the output says
 * so. The agent is assumed to run as the same user as this command.
 */
export function formatUsers(json: boolean): string {
  const me = currentUser();
  const root = me.uid === 0;
  const users = listSystemUsers().map((u) => ({
    name: u.name,
    uid: u.uid,
    gid: u.gid,
    home: u.home,
    shell: u.shell,
    usable: root || u.uid === me.uid,
  }));
  if (json) return JSON.stringify(users, null, 2);
  const table = formatTable(
    ["NAME", "UID", "GID", "HOME", "SHELL"],
    users.map((u) => [u.name, String(u.uid), String(u.gid), u.home, u.shell]),
  );
  if (root) return table;
  return `${table}

evh runs as ${me.name} (uid ${me.uid}), not root: handlers can run only as ${me.name}.
Switching to another user needs the agent to run as root.`;
}
