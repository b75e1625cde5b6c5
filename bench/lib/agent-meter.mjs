import {
  childPids,
  commandLine,
  cpuMs,
  mainThreadCpuMs,
  peakRssMiB,
  pssMiB,
  startTicks,
} from "./proc.mjs";

/**
 * The agent's CPU and memory, split between the agent itself and its
 * launchers: long-lived child processes (`node .../launcher/main.js`) that
 * start handlers for it, so that a spawn's wait leaves the agent's main
 * thread. An agent without launchers is metered the same way: their figures
 * are then 0 and the agent's alone.
 */

/** What names a launcher in its command line. */
export const LAUNCHER_SCRIPT = "/launcher/main.js";

/**
 * Every 250 ms: a launcher restarted mid-run takes the CPU it used since the
 * last sample with it, and a finer period would take CPU from the agent on
 * a 2-core machine.
 */
const SAMPLE_MS = 250;

function launcherPids(agentPid) {
  return childPids(agentPid).filter((pid) => {
    try {
      return commandLine(pid).includes(LAUNCHER_SCRIPT);
    } catch {
      return false; // it ended between the listing and the read
    }
  });
}

/**
 * Starts metering the agent `pid` now, or over its whole life with
 * `fromSpawn` (the backlog, whose work starts before "agent ready").
 * Launchers are sampled periodically and kept by pid and start time, each
 * with its highest CPU time and VmHWM seen: one that ended keeps what it
 * had used at its last sample. Call `finish(events)` before stopping the
 * agent.
 */
export function meterAgent(pid, { fromSpawn = false, everyMs = SAMPLE_MS } = {}) {
  const base = fromSpawn ? { cpu: 0, main: 0 } : { cpu: cpuMs(pid), main: mainThreadCpuMs(pid) };
  /** `pid:startTicks` → { baseCpuMs, cpuMs, peakRssMiB } */
  const launchers = new Map();
  /** The highest sum of PSS over the agent and its launchers seen in one sample. */
  let peakPss = 0;
  const sample = ({ first }) => {
    let pids;
    try {
      pids = launcherPids(pid);
      let pss = pssMiB(pid);
      for (const launcher of pids) {
        try {
          pss += pssMiB(launcher);
        } catch {
          // it ended between the listing and the read
        }
      }
      peakPss = Math.max(peakPss, pss);
    } catch {
      return; // the agent itself ended; finish() reports what was seen
    }
    for (const launcher of pids) {
      try {
        const key = `${launcher}:${startTicks(launcher)}`;
        const cpu = cpuMs(launcher);
        const rss = peakRssMiB(launcher);
        const seen = launchers.get(key);
        if (seen) {
          seen.cpuMs = Math.max(seen.cpuMs, cpu);
          seen.peakRssMiB = Math.max(seen.peakRssMiB, rss);
        } else {
          // Running before the window: only its CPU from now on counts. Started in it: all of it.
          const baseCpuMs = first && !fromSpawn ? cpu : 0;
          launchers.set(key, { baseCpuMs, cpuMs: cpu, peakRssMiB: rss });
        }
      } catch {
        // it ended between the listing and the reads
      }
    }
  };
  sample({ first: true });
  const timer = setInterval(() => sample({ first: false }), everyMs);

  return {
    /** Figures over the window; per event, divided by `events`. */
    finish(events) {
      clearInterval(timer);
      sample({ first: false });
      let launcherCpuMs = 0;
      let launcherRssMiB = 0;
      for (const l of launchers.values()) {
        launcherCpuMs += l.cpuMs - l.baseCpuMs;
        launcherRssMiB += l.peakRssMiB;
      }
      const agentRssMiB = peakRssMiB(pid);
      return {
        cpuMsPerEvent: (cpuMs(pid) - base.cpu) / events,
        mainThreadCpuMsPerEvent: (mainThreadCpuMs(pid) - base.main) / events,
        launcherCpuMsPerEvent: launcherCpuMs / events,
        launchers: launchers.size,
        peakRssMiB: agentRssMiB,
        // A sum of peaks, and of launchers that may not have lived at once: an upper bound.
        peakRssWithLaunchersMiB: agentRssMiB + launcherRssMiB,
        // Sampled every `everyMs`: what the agent and its launchers held at once, shared pages once.
        peakPssWithLaunchersMiB: peakPss,
      };
    },
  };
}
