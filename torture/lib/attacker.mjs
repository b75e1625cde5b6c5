/**
 * torture:attacker — a producer can never become root, and no local user
 * can read a password (issue 9, SPEC §1–§5, §8).
 *
 * Three attackers, each a real process with a real non-root uid, try every
 * trick of the security review and some of their own against a real agent
 * (`bin/evh run`, as root) and the real CLI run by the administrator:
 *
 * - a producer in `producer_group` (tmp/ and new/ 1730 root:group);
 * - the handler's own user (`nobody`), who controls its program, its cwd
 *   and its home while its handler runs;
 * - an unrelated local user, who controls /tmp, /dev/shm and a directory
 *   the administrator may cd into.
 *
 * The attacks are a table (attacker-producer.mjs, attacker-handler-user.mjs,
 * attacker-local-user.mjs), each with a one-line description. Pass means:
 * no root-only canary and no system file changed, no marker file exists (no
 * code ran from a param name or a foreign file), no scanner running as
 * another uid ever read a secret of the run, and the agent never stopped
 * (it still runs a last normal event). Root only: everything else is
 * skipped with a note.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HANDLER_USER_ATTACKS } from "./attacker-handler-user.mjs";
import { LOCAL_USER_ATTACKS } from "./attacker-local-user.mjs";
import { PRODUCER_ATTACKS } from "./attacker-producer.mjs";
import { Stage } from "./attacker-stage.mjs";
import { World } from "./attacker-world.mjs";
import { isRoot, Report } from "./harness.mjs";

export const ATTACKER_DEFAULTS = {
  keep: false,
  log: () => undefined,
  /** Events sent while a handler's user swaps its program or cwd (the races of findings 14 and 15). */
  raceEvents: 12,
  /** How long the handler's user swaps, in ms. */
  swapMs: 5_000,
  /** Run only the attacks whose id starts with this (e.g. `P`, `H3`); empty: all. */
  only: "",
};

/** An attack that takes longer is stuck (the agent or a command hung): it fails, and the run goes on. */
const ATTACK_TIMEOUT_MS = 90_000;

export const ATTACKS = [...PRODUCER_ATTACKS, ...HANDLER_USER_ATTACKS, ...LOCAL_USER_ATTACKS];

export async function runAttacker(options = {}) {
  const o = { ...ATTACKER_DEFAULTS, ...options };
  const report = new Report("attacker");
  if (!isRoot) {
    report.note("not root: the attacker part needs real uids and was skipped (CI runs as root)");
    return report;
  }
  const world = await World.create(o.log, o.keep);
  let stage;
  // Interrupted (Ctrl-C, a CI timeout): the group, the folders and the processes go all the same.
  const onSignal = async (signal) => {
    await stage?.close(false).catch(() => undefined);
    await world.close();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    stage = await Stage.create(world, report, o);
    world.startScanner("local", [stage.root.dir, world.localDir, world.dir, "/dev/shm", "/run"]);
    world.startScanner("producer2", [stage.root.dir, world.dir, "/dev/shm", "/run"]);
    world.startScanner("nobody", [stage.root.dir, world.localDir, "/dev/shm", "/run"]);
    const verdicts = { pass: 0, fail: 0 };
    for (const attack of ATTACKS.filter((a) => a.id.startsWith(o.only))) {
      const t0 = Date.now();
      const ok = await runAttack(attack, world, stage, report);
      o.log(
        `${attack.id} (${attack.who}) ${ok ? "pass" : "FAIL"} in ${Date.now() - t0} ms: ${attack.title}`,
      );
      verdicts[ok ? "pass" : "fail"]++;
    }
    await finalChecks(world, stage, report);
    report.figure(
      "attacks",
      `${verdicts.pass + verdicts.fail}: ${verdicts.pass} pass, ${verdicts.fail} fail`,
    );
    return report;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await stage?.close(o.keep);
    await world.close();
  }
}

/** One attack: its checks are prefixed with its id; its verdict and figures become one figure line. */
async function runAttack(attack, world, stage, report) {
  const before = report.checks.length;
  const figures = [];
  const r = {
    check: (name, ok, detail = "") => report.check(`${attack.id} ${name}`, ok, detail),
    figure: (text) => figures.push(text),
    note: (text) => report.note(`${attack.id}: ${text}`),
  };
  const started = Date.now();
  let timer;
  try {
    await Promise.race([
      attack.run(world, stage, r),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`did not end within ${ATTACK_TIMEOUT_MS / 1000} s`)),
          ATTACK_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    r.check("ran to its end", false, error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
  const changed = world.changedCanaries();
  r.check("changed no root-only canary or system file", changed.length === 0, changed.join(", "));
  const markers = world.markersFound();
  r.check("ran no code it should not (no marker file)", markers.length === 0, markers.join(", "));
  r.check("left the agent running", stage.agent.alive, JSON.stringify(stage.agent.exitInfo));
  if (changed.length > 0 || markers.length > 0) world.resetCanaries();
  const failed = report.checks.slice(before).filter((c) => !c.ok).length;
  const verdict = failed === 0 ? "pass" : `FAIL (${failed} checks)`;
  const tail = [`${((Date.now() - started) / 1000).toFixed(1)} s`, ...figures].join("; ");
  report.figure(
    `${attack.id} [${attack.who}, finding ${attack.findings.join("/")}] ${attack.title}`,
    `${verdict}; ${tail}`,
  );
  if (!stage.agent.alive) await stage.restartAgent(r);
  return failed === 0;
}

async function finalChecks(world, stage, report) {
  const ran = await stage.probe("final");
  report.check(
    "the agent still runs a normal event after every attack",
    ran,
    "the last event did not run",
  );
  await world.stopScanners();
  for (const s of world.scanners) {
    report.check(
      `no secret was readable by the ${world.ids[s.who].name} (uid ${world.ids[s.who].uid})`,
      s.found.size === 0,
      [...s.found].slice(0, 10).join("; "),
    );
    report.check(`the ${s.who} scanner really scanned`, s.sweeps > 0, s.errors);
  }
  report.figure(
    "secret scanners",
    world.scanners.map((s) => `${s.who}: ${s.sweeps} sweeps, ${s.found.size} finds`).join("; "),
  );
  report.check(
    "the agent never exited",
    stage.agent.alive && stage.restarts === 0,
    `restarts: ${stage.restarts}`,
  );
  const stopped = await stage.agent.stop();
  report.check("the agent stops cleanly (exit 0)", stopped.code === 0, JSON.stringify(stopped));
}

/** A folder of root-owned payload files (0644), for attacks that need files to point at. */
export function writePayloads(dir, files) {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(files))
    writeFileSync(path.join(dir, name), text, { mode: 0o644 });
  return dir;
}
