import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const run = (cmd, args) => {
  try {
    return execFileSync(cmd, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "unknown";
  }
};

/** What the figures depend on, recorded with them: a number without its machine means little. */
export function describeMachine(evhBin) {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const repo = path.dirname(path.dirname(evhBin));
  return {
    cpus: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    tmpdir: os.tmpdir(),
    tmpFs: run("findmnt", ["-n", "-o", "FSTYPE", "--target", os.tmpdir()]),
    // Shared machines are noisy: the load when the run began says how much.
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    evh: repo,
    evhCommit: run("git", ["-C", repo, "describe", "--always", "--dirty"]),
  };
}
