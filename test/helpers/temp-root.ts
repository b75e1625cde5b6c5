import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fixtureScript } from "./fixture-script.js";

/** A throwaway evh root with handlers.d/ and spool/, removed by `cleanup()`. */
export interface TempRoot {
  readonly dir: string;
  readonly handlersDir: string;
  readonly spoolDir: string;
  readonly varDir: string;
  /** Path inside the root. */
  path(...parts: string[]): string;
  /** Write a file inside the root (parents created); returns its path. */
  write(relative: string, content: string | Uint8Array, mode?: number): string;
  /**
   * A copy of test/fixtures/scripts/NAME in the root's scripts/ (0755), for a
   * handler that runs as another user: the checkout may sit under a 0700
   * directory (`/root`, where root clones by default) that `nobody` cannot
   * enter, the temp root is reachable by everyone.
   */
  script(name: string): string;
  cleanup(): void;
}

export function makeTempRoot(prefix = "evh-test-"): TempRoot {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  // mkdtemp makes 0700; a handler running as `nobody` must reach fixture scripts inside.
  chmodSync(dir, 0o755);
  for (const sub of ["handlers.d", "spool/tmp", "spool/new"]) {
    mkdirSync(path.join(dir, sub), { recursive: true, mode: 0o755 });
  }
  const at = (...parts: string[]) => path.join(dir, ...parts);
  return {
    dir,
    handlersDir: at("handlers.d"),
    spoolDir: at("spool"),
    varDir: at("var"),
    path: at,
    write(relative, content, mode = 0o644) {
      const file = at(relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content, { mode });
      chmodSync(file, mode);
      return file;
    },
    script(name) {
      const file = at("scripts", name);
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
      copyFileSync(fixtureScript(name), file);
      chmodSync(file, 0o755);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
