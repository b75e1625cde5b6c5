import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** A group of the system, as /etc/group (or NSS) has it. */
export interface SystemGroup {
  readonly name: string;
  readonly gid: number;
}

function parseGroupLine(line: string): SystemGroup | undefined {
  const [name, , gid] = line.split(":");
  if (!name || gid === undefined || !/^\d+$/.test(gid)) return undefined;
  return { name, gid: Number(gid) };
}

/**
 * The group of a name: /etc/group first, then `getent group` so that NSS
 * sources (LDAP, sssd) work too. Node has no getgrnam(3); this runs once,
 * when the config is resolved.
 */
export function lookupGroup(name: string, groupFile = "/etc/group"): SystemGroup | undefined {
  let text = "";
  try {
    text = readFileSync(groupFile, "utf8");
  } catch {
    // no local file: NSS may still know it
  }
  for (const line of text.split("\n")) {
    const group = parseGroupLine(line);
    if (group?.name === name) return group;
  }
  try {
    const out = execFileSync("getent", ["group", name], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    return parseGroupLine(out.trim().split("\n")[0] ?? "");
  } catch {
    return undefined;
  }
}
