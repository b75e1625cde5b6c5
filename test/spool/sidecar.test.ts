import { execFileSync } from "node:child_process";
import { readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  readSidecar,
  SIDECAR_STDERR_BYTES,
  stderrTail,
  writeSidecar,
} from "../../src/spool/sidecar.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

describe("stderrTail", () => {
  it("keeps the last 4 KiB, never starting inside a character", () => {
    expect(stderrTail("short\n")).toBe("short\n");
    const tail = stderrTail(`${"x".repeat(10)}${"é".repeat(SIDECAR_STDERR_BYTES)}`);
    // é is two bytes: an odd cut would start with half of one.
    expect(tail).toBe("é".repeat(SIDECAR_STDERR_BYTES / 2));
    const odd = stderrTail(`${"é".repeat(SIDECAR_STDERR_BYTES)}x`);
    expect(Buffer.byteLength(odd)).toBe(SIDECAR_STDERR_BYTES - 1);
    expect(odd.startsWith("é")).toBe(true);
  });
});

describe("readSidecar", () => {
  let root: TempRoot | undefined;
  afterEach(() => root?.cleanup());

  it("reads back what writeSidecar wrote, and leaves no temp file", async () => {
    root = makeTempRoot();
    const file = root.path("x.json.error.json");
    const report = {
      reason: "handler a failed: exit 1",
      detail: "",
      at: "2026-01-01T00:00:00.000Z",
      outcomes: [
        {
          handler: "a",
          outcome: "failed" as const,
          exit_code: 1,
          signal: null,
          attempts: 2,
          stderr: "boom\n",
        },
      ],
    };
    expect(await writeSidecar(file, report)).toBe(true);
    expect(await readSidecar(file)).toEqual({
      kind: "report",
      at: report.at,
      sidecar: report,
    });
    expect(readdirSync(root.dir).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("never follows a link or waits on a FIFO, and says missing and unreadable apart", async () => {
    root = makeTempRoot();
    const secret = root.write("secret.json", '{"reason":"from a file the link points to"}');
    symlinkSync(secret, root.path("link.error.json"));
    execFileSync("mkfifo", [root.path("fifo.error.json")]);
    writeFileSync(root.path("torn.error.json"), '{"reason": "half');
    expect(await readSidecar(root.path("link.error.json"))).toEqual({ kind: "unreadable" });
    expect(await readSidecar(root.path("fifo.error.json"))).toEqual({ kind: "unreadable" });
    expect(await readSidecar(root.path("torn.error.json"))).toEqual({ kind: "unreadable" });
    expect(await readSidecar(root.path("gone.error.json"))).toEqual({ kind: "missing" });
  });

  it("reads a sidecar without outcomes or stderr (written before they existed)", async () => {
    root = makeTempRoot();
    const file = root.write(
      "old.error.json",
      JSON.stringify({
        reason: "r",
        at: "2026-01-01T00:00:00.000Z",
        outcomes: [
          { handler: "a", outcome: "timeout", exit_code: null, signal: "SIGKILL", attempts: 1 },
          { bogus: 1 },
        ],
      }),
    );
    const read = await readSidecar(file);
    expect(read.kind === "report" && read.sidecar.outcomes).toEqual([
      {
        handler: "a",
        outcome: "timeout",
        exit_code: null,
        signal: "SIGKILL",
        attempts: 1,
        stderr: "",
      },
    ]);
  });
});
