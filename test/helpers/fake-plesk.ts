import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { type EvhResult, run, runEvh } from "./evh-process.js";

/** test/fixtures/plesk/plesk: Plesk's CLI as far as public evidence shows it (docs/plesk.md). */
export const FAKE_PLESK = fileURLToPath(new URL("../fixtures/plesk/plesk", import.meta.url));

/** One fake Plesk server: its handler table lives in its own temp dir. */
export interface FakePlesk {
  /** The directory holding handlers.json; $FAKE_PLESK_DIR for every command below. */
  readonly dir: string;
  /** The environment a command needs to reach this Plesk. */
  readonly env: NodeJS.ProcessEnv;
  /** `plesk ARGS`, e.g. ("bin", "event_handler", "--list"). */
  plesk(...args: string[]): Promise<EvhResult>;
  /** `plesk bin event_handler --list` as text. */
  list(): Promise<string>;
  /** Runs `bin/evh ARGS --plesk FAKE` against this Plesk. */
  evh(...args: string[]): Promise<EvhResult>;
}

/** A fresh fake Plesk per call, removed after each test. */
export function useFakePlesks(): () => FakePlesk {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), "evh-fake-plesk-"));
    made.push(dir);
    const env = { FAKE_PLESK_DIR: dir };
    const fake: FakePlesk = {
      dir,
      env,
      plesk: (...args) => run(FAKE_PLESK, args, { env, timeoutMs: 120_000 }),
      async list() {
        const r = await fake.plesk("bin", "event_handler", "--list");
        if (r.code !== 0) throw new Error(`fake plesk --list failed: ${r.stderr}`);
        return r.stdout;
      },
      evh: (...args) => runEvh([...args, "--plesk", FAKE_PLESK], { env, timeoutMs: 60_000 }),
    };
    return fake;
  };
}

/** The ids on the `Id` lines of a `--list` output, as Plesk integrations collect them. */
export function listedIds(listing: string): number[] {
  return [...listing.matchAll(/^\s*Id\s+(\d+)/gm)].map((m) => Number(m[1]));
}
