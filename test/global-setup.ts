import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/*
 * Runs once around the whole test run. A root agent keeps its params files
 * in /run/evh unless systemd gives it a RuntimeDirectory (SPEC §4); the
 * tests give every agent and runner one of their own, inherited by the
 * workers and the agents they start, so that nothing is left in /run.
 */
export default function setup(): () => void {
  const runtime = mkdtempSync(path.join(tmpdir(), "evh-test-runtime-"));
  // As systemd makes one (0755): a handler running as another user reaches its file inside.
  chmodSync(runtime, 0o711);
  process.env.RUNTIME_DIRECTORY = runtime;
  return () => rmSync(runtime, { recursive: true, force: true });
}
