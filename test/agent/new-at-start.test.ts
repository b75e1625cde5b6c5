import { renameSync, utimesSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Intake } from "../../src/agent/intake.js";
import { NewAtStart } from "../../src/agent/new-at-start.js";
import { Spool } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

/**
 * At start the agent reads spool/new/ once, for the journal and for the
 * intake's first scan. A file dropped after that read must still be taken,
 * at once and after the backlog, not only at the next periodic rescan.
 */

let root: TempRoot;
let spool: Spool;
const intakes: Intake[] = [];
beforeEach(() => {
  root = makeTempRoot();
  spool = new Spool(root.spoolDir);
});
afterEach(async () => {
  await Promise.all(intakes.splice(0).map((intake) => intake.stop()));
  root.cleanup();
});

/** Drops an event the producer's way (tmp/, then a rename into new/), with the given mtime. */
function drop(name: string, mtimeS: number): void {
  const tmp = root.path("spool", "tmp", name);
  writeFileSync(tmp, '{"event":"client_create","params":{}}');
  utimesSync(tmp, mtimeS, mtimeS);
  renameSync(tmp, root.path("spool", "new", name));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function drain(intake: Intake): string[] {
  const names: string[] = [];
  for (let entry = intake.next(); entry !== undefined; entry = intake.next())
    names.push(entry.name);
  return names;
}

function newIntake(): Intake {
  const intake = new Intake(
    spool,
    () => undefined,
    (error) => {
      throw error;
    },
  );
  intakes.push(intake);
  return intake;
}

describe("NewAtStart: spool/new/ read once at start", () => {
  it("lists the backlog from the names read, then takes files dropped after the read", async () => {
    drop("b.json", 2000);
    drop("a.json", 1000);
    const atStart = await NewAtStart.read(spool);
    expect([...atStart.names].sort()).toEqual(["a.json", "b.json"]);
    // Dropped after the read, with an older mtime: still after the backlog, as it arrived later.
    drop("late.json", 500);
    await until(() => atStart.arrived.has("late.json"));
    expect(atStart.complete).toBe(true);

    const intake = newIntake();
    await intake.scan(atStart);
    expect(drain(intake)).toEqual(["a.json", "b.json", "late.json"]);
  });

  it("takes each file once when the watch and the names both have it", async () => {
    const atStart = await NewAtStart.read(spool);
    drop("x.json", 1000);
    await until(() => atStart.arrived.has("x.json"));
    // A first scan that read the folder itself would see x.json too; here the arrival list does.
    const intake = newIntake();
    await intake.scan(atStart);
    expect(drain(intake)).toEqual(["x.json"]);
    // The next scan does not queue it again while it is in hand.
    await intake.scan();
    expect(drain(intake)).toEqual([]);
  });

  it("reads the folder itself when the names cannot be trusted to be complete", async () => {
    drop("a.json", 1000);
    const atStart = await NewAtStart.read(spool);
    atStart.close(); // no watch: arrivals since the read would be unknown
    drop("b.json", 2000);
    expect(atStart.complete).toBe(false);
    const intake = newIntake();
    await intake.scan(atStart);
    expect(drain(intake)).toEqual(["a.json", "b.json"]);
  });
});
