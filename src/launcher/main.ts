import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { startHere } from "../execute/start-request.js";
import {
  type FromLauncher,
  fromWireRequest,
  line,
  type ToLauncher,
  toWireResult,
} from "./protocol.js";

/*
 * A launcher: the small process that starts and supervises handler runs for
 * the agent (docs/architecture.md, "Launchers"), so that the agent's own
 * thread never forks. It reads requests on stdin and answers on stdout, one
 * JSON line each (protocol.ts). Each run is `startHere`, as in the agent
 * before: root lock check, descriptor headroom, spawn as a session leader,
 * deadline, session cleanup, output tails.
 *
 * When stdin ends, the agent is gone (stopped, or killed): every running
 * session is terminated (SIGTERM, SIGKILL after its kill grace) and the
 * launcher exits. What it stopped was in flight, and a restarted agent runs
 * it again from its journal.
 */

const runs = new Map<number, AbortController>();
let agentGone = false;

/**
 * Written synchronously: a "started" line is on its way before anything
 * else happens, so the agent knows the session it would have to stop.
 */
function send(message: FromLauncher): void {
  if (agentGone) return;
  try {
    writeSync(1, line(message));
  } catch {
    // EPIPE: the agent is gone; stdin's end follows.
    agentGone = true;
  }
}

function receive(message: ToLauncher): void {
  switch (message.t) {
    case "run": {
      const abort = new AbortController();
      runs.set(message.id, abort);
      const id = message.id;
      void startHere(fromWireRequest(message.req), abort.signal, (pid, leaderStart) =>
        send({ t: "started", id, pid, leaderStart: leaderStart ?? null }),
      ).then((result) => {
        runs.delete(id);
        if (result.kind !== "lost") send({ t: "end", id, result: toWireResult(result) });
        if (agentGone && runs.size === 0) process.exit(0);
      });
      return;
    }
    case "cancel":
      runs.get(message.id)?.abort();
      return;
    case "ping":
      send({ t: "pong", n: message.n });
      return;
  }
}

// A terminal's ^C and hang-up are for the agent, which stops its runs through this launcher.
process.on("SIGINT", () => undefined);
process.on("SIGHUP", () => undefined);
process.stdout.on("error", () => undefined);

const input = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
input.on("line", (text) => {
  let message: ToLauncher;
  try {
    message = JSON.parse(text) as ToLauncher;
  } catch {
    // Only the agent writes here: a line that is not JSON means the pipe is not the agent's.
    process.stderr.write("evh launcher: a request that is not JSON; stopping\n");
    process.exit(70);
  }
  receive(message);
});
/**
 * One run of `true` before saying ready: the first run of a fresh Node
 * process compiles the spawn and supervision code as it goes (~10 ms), and
 * would make the agent's first event wait for it. With stdio, a session and
 * an environment, it takes the path every handler takes. Nothing in it comes
 * from an event or a handler file, and it is not a handler: the root lock,
 * which stops handlers that run as root, is not consulted (a path that
 * cannot exist stands in for it).
 */
async function warmUp(): Promise<void> {
  const uid = process.getuid?.() ?? 0;
  await startHere(
    {
      program: {
        file: "/bin/true",
        args: [],
        env: { PATH: "/usr/bin:/bin" },
        uid: undefined,
        gid: undefined,
      },
      cwd: "/",
      stdin: new Uint8Array(1),
      timeoutMs: 10_000,
      killAfterMs: 1000,
      rootLockFile: "/nonexistent/evh-warm-up.lock",
      runAsUid: uid,
    },
    new AbortController().signal,
  ).catch(() => undefined);
}

void warmUp().then(() => send({ t: "ready" }));
input.on("close", () => {
  agentGone = true;
  if (runs.size === 0) process.exit(0);
  for (const abort of runs.values()) abort.abort();
});
