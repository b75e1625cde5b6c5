import { lstatSync } from "node:fs";
import { errnoCode, UntrustedPathError } from "../errors/evh-error.js";

/** What else than the strict rule a folder may be (SPEC §1). */
export interface TrustOptions {
  /**
   * Its group may write to it: `tmp/` and `new/` in the `producer_group`
   * mode (SPEC §2), where the sticky bit keeps producers from each other's files.
   * @defaultValue false
   */
  readonly allowGroupWrite?: boolean;
}

/**
 * Whether the folder `dir` may be used by the user running evh, as sshd's
 * StrictModes judges a home: it is a real directory (lstat: a symlink is
 * refused, never followed), owned by that user or by root, and no other user
 * can write to it (SPEC §1: a root is trusted only as far as its owner). One
 * that is not there yet is fine: its creator then decides. Throws
 * UntrustedPathError naming the path, why, and the fix; returns whether it exists.
 */
export function checkTrustedDir(dir: string, options: TrustOptions = {}): boolean {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return false;
    throw error;
  }
  if (stats.isSymbolicLink()) {
    throw new UntrustedPathError(dir, "it is a symbolic link; give the real directory instead");
  }
  if (!stats.isDirectory()) throw new UntrustedPathError(dir, "it is not a directory");
  const uid = process.geteuid?.() ?? 0;
  if (stats.uid !== uid && stats.uid !== 0) {
    throw new UntrustedPathError(
      dir,
      `it is owned by uid ${stats.uid}, not by uid ${uid} running evh nor by root; ` +
        `chown ${uid} it if it is yours`,
    );
  }
  const mode = (stats.mode & 0o7777).toString(8).padStart(4, "0");
  if (stats.mode & 0o002) {
    throw new UntrustedPathError(dir, `every user can write to it (mode ${mode}); chmod o-w it`);
  }
  if (stats.mode & 0o020 && !options.allowGroupWrite) {
    throw new UntrustedPathError(
      dir,
      `its group can write to it (mode ${mode}); chmod g-w it, or set producer_group in evh.yaml for tmp/ and new/`,
    );
  }
  return true;
}
