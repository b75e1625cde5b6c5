import { spawnSync } from "node:child_process";

/** Whether a command is on PATH. */
export const has = (cmd) =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/**
 * Installs a Debian package when its command is missing and --install was
 * given; installing software is the operator's call, never the default.
 */
export function installIfMissing(cmd, pkg, install) {
  if (has(cmd) || !install || !has("apt-get")) return has(cmd);
  spawnSync("apt-get", ["install", "-y", "-qq", pkg], { stdio: "ignore" });
  return has(cmd);
}
