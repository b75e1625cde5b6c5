import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { startAgent } from "../lib/agent.mjs";
import { onCleanup } from "../lib/cleanup.mjs";
import { sleep } from "../lib/clock.mjs";
import { contextSwitches, cpuMs } from "../lib/proc.mjs";
import { has } from "../lib/tools.mjs";
import { makeEvhRoot } from "../lib/workload.mjs";

/**
 * The agent with an empty spool: CPU used, and how often it wakes up. Two
 * windows of `idleS` seconds: first untouched (CPU time and voluntary
 * context switches from /proc), then under strace, which lists every
 * epoll_wait return with its timeout: that names the timers that fire
 * (a 2000 ms timeout is the 2 s rescan, for instance).
 */
export async function idle(opts, { progress }) {
  const root = makeEvhRoot(opts);
  const agent = await startAgent(root.root);
  await sleep(2000); // let start-up work (the first scan, JIT) finish
  const cpu0 = cpuMs(agent.pid);
  const ctx0 = contextSwitches(agent.pid);
  await sleep(opts.idleS * 1000);
  const figures = {
    seconds: opts.idleS,
    cpuMs: cpuMs(agent.pid) - cpu0,
    cpuPercent: ((cpuMs(agent.pid) - cpu0) / (opts.idleS * 1000)) * 100,
    wakeupsPerS: (contextSwitches(agent.pid).voluntary - ctx0.voluntary) / opts.idleS,
    epoll: await traceEpoll(agent.pid, opts.idleS, root.root),
  };
  await agent.stop();
  progress(
    `idle: ${figures.cpuMs} ms CPU in ${opts.idleS} s, ${figures.wakeupsPerS.toFixed(1)} wakeups/s` +
      (figures.epoll ? `, epoll timeouts ${JSON.stringify(figures.epoll.timeouts)}` : ""),
  );
  return figures;
}

/** epoll_wait returns per second and the timeouts they waited with; undefined without strace. */
async function traceEpoll(pid, seconds, dir) {
  if (!has("strace")) return undefined;
  const log = path.join(dir, "idle.strace");
  const strace = spawn(
    "strace",
    ["-f", "-qq", "-e", "trace=epoll_wait,epoll_pwait,epoll_pwait2", "-o", log, "-p", String(pid)],
    {
      stdio: "ignore",
    },
  );
  const release = onCleanup(() => strace.kill("SIGKILL"));
  await sleep(seconds * 1000);
  const exited = new Promise((resolve) => strace.once("exit", resolve));
  strace.kill("SIGINT"); // strace detaches cleanly on SIGINT; the agent goes on untouched
  await exited;
  release();
  // `1234 epoll_pwait(14, [], 1024, 1999, NULL, 8) = 0`: the 4th argument is the timeout in ms.
  // libuv follows each blocking wait with a non-blocking one (timeout 0): only the blocking ones are wakeups.
  const timeouts = {};
  let wakeups = 0;
  for (const line of readFileSync(log, "utf8").split("\n")) {
    const timeout = /epoll_p?wait2?\(\d+, .*?, \d+, (-?\d+)[^)]*\) += -?\d+/.exec(line)?.[1];
    if (timeout === undefined || timeout === "0") continue;
    wakeups++;
    // Two significant digits: a 2 s timer shows as 2000 whether the wait began at 1999 or 1987 ms.
    const bucket = timeout === "-1" ? "none" : String(Number(Number(timeout).toPrecision(2)));
    timeouts[bucket] = (timeouts[bucket] ?? 0) + 1;
  }
  return { wakeupsPerS: wakeups / seconds, timeouts };
}
