import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { onCleanup } from "./cleanup.mjs";
import { sleep } from "./clock.mjs";
import { installIfMissing } from "./tools.mjs";
import { makeTempDir, readStarts, writeHandlerScript } from "./workload.mjs";

/** incron's system tables: incrond watches this folder and loads a file as soon as it appears. */
const TABLE_DIR = "/etc/incron.d";

/**
 * Sets up incron on a spool-like directory (tmp/, new/) with an IN_MOVED_TO
 * rule running the bench handler with the file name (`$#`). Uses the running
 * incrond if there is one, else starts one in the foreground and stops it at
 * close: incrond is left as found. Installs the Debian package only when asked
 * (`install`), because installing software is not the benchmark's call to make.
 * Returns `{ skipped: reason }` when incron cannot be used.
 */
export async function openIncron({ install, keep }) {
  if (process.getuid?.() !== 0) return { skipped: `incron needs root (to write ${TABLE_DIR})` };
  if (!installIfMissing("incrond", "incron", install)) {
    return { skipped: "incron is not installed (apt-get install -y incron, or pass --install)" };
  }

  const dir = makeTempDir("incron", { keep });
  const { script, out } = writeHandlerScript(dir);
  const spool = path.join(dir, "spool");
  for (const sub of ["tmp", "new"]) mkdirSync(path.join(spool, sub), { recursive: true });
  mkdirSync(TABLE_DIR, { recursive: true });
  const table = path.join(TABLE_DIR, `evh-bench-${process.pid}`);
  writeFileSync(table, `${path.join(spool, "new")} IN_MOVED_TO ${script} $#\n`);
  const dropTable = onCleanup(() => unlinkSync(table));

  let daemon;
  let stopDaemon = () => undefined;
  const wasRunning = spawnSync("pgrep", ["-x", "incrond"], { stdio: "ignore" }).status === 0;
  if (!wasRunning) {
    daemon = spawn("incrond", ["--foreground"], { stdio: "ignore" });
    stopDaemon = onCleanup(() => daemon.kill("SIGTERM"));
  }
  const session = {
    spool,
    script,
    out,
    daemonPid: daemon?.pid,
    /** Empties new/ and the start log between repetitions. */
    reset() {
      // Emptied, not recreated: incrond watches the directory itself, a new one would be unwatched.
      const dir = path.join(spool, "new");
      for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { force: true });
      writeFileSync(out, "");
    },
    async close() {
      dropTable();
      if (daemon && daemon.exitCode === null) {
        const exited = new Promise((resolve) => daemon.once("exit", resolve));
        stopDaemon();
        await exited;
      }
    },
  };
  // Proof that the rule is live before anything is timed: one probe event.
  if (!(await probe(session))) {
    await session.close();
    return { skipped: "incrond did not run the probe event within 10 s (is inotify available?)" };
  }
  session.reset();
  return session;
}

async function probe(session) {
  const temp = path.join(session.spool, "tmp", "probe.json");
  for (let tries = 0; tries < 20; tries++) {
    writeFileSync(temp, "{}");
    renameSync(temp, path.join(session.spool, "new", `probe-${tries}.json`));
    await sleep(500);
    if (existsSync(session.out) && readStarts(session.out).length > 0) return true;
  }
  return false;
}
