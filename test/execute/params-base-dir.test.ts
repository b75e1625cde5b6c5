import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { paramsBaseDir } from "../../src/execute/params-base-dir.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("paramsBaseDir", () => {
  it("prefers systemd's RuntimeDirectory, then a memory file system, then the temp directory", () => {
    const runtime = mkdtempSync(path.join(tmpdir(), "evh-runtime-"));
    dirs.push(runtime);
    expect(paramsBaseDir({ RUNTIME_DIRECTORY: `${runtime}:/elsewhere` })).toBe(runtime);
    // A RUNTIME_DIRECTORY that is gone is skipped, not trusted.
    const fallback = paramsBaseDir({ RUNTIME_DIRECTORY: path.join(runtime, "gone") });
    expect(["/dev/shm", tmpdir()]).toContain(fallback);
    expect(paramsBaseDir({})).toBe(fallback);
  });
});
