import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** A system account a handler can run as. */
export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

function parsePasswdLine(line: string): SystemUser | undefined {
  const [name, , uid, gid, , home, shell] = line.split(":");
  if (!name || uid === undefined || gid === undefined || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) {
    return undefined;
  }
  return { name, uid: Number(uid), gid: Number(gid), home: home || "/", shell: shell || "/bin/sh" };
}

/** Every account in /etc/passwd, in file order. */
export function listSystemUsers(passwdFile = "/etc/passwd"): SystemUser[] {
  let text: string;
  try {
    text = readFileSync(passwdFile, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#"))
    .map(parsePasswdLine)
    .filter((user): user is SystemUser => user !== undefined);
}

/**
 * The account for a name or a numeric uid: /etc/passwd first, then
 * `getent passwd` so that NSS sources (LDAP, sssd) work too. Node has no
 * getpwnam(3), and the agent looks users up only at load time.
 */
export function lookupUser(nameOrUid: string | number): SystemUser | undefined {
  const key = String(nameOrUid);
  const byUid = /^\d+$/.test(key);
  const local = listSystemUsers().find((u) => (byUid ? u.uid === Number(key) : u.name === key));
  if (local) return local;
  try {
    const out = execFileSync("getent", ["passwd", key], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5000,
    });
    return parsePasswdLine(out.trim().split("\n")[0] ?? "");
  } catch {
    return undefined;
  }
}

/** The account the agent itself runs as. */
export function currentUser(): SystemUser {
  const uid = process.getuid?.() ?? 0;
  return (
    lookupUser(uid) ?? {
      name: String(uid),
      uid,
      gid: process.getgid?.() ?? 0,
      home: process.env.HOME ?? "/",
      shell: "/bin/sh",
    }
  );
}
