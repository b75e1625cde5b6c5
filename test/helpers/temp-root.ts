import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

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
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
