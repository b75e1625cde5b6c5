import { num, table } from "./table.mjs";

/**
 * The agent's cost split between all its threads, its main thread alone
 * and its launchers (0 when it has none); RSS summed over the agent and
 * every launcher seen, an upper bound. `leading` are the columns that name
 * each row.
 */
export function agentTable(rows, leading) {
  return table(rows, [
    ...leading,
    ["agent CPU ms/event", (r) => num(r.cpuMsPerEvent, 2)],
    ["main thread", (r) => num(r.mainThreadCpuMsPerEvent, 2)],
    ["launchers", (r) => num(r.launcherCpuMsPerEvent, 2)],
    ["launchers seen", (r) => num(r.launchers, 0)],
    ["peak RSS agent + launchers MiB", (r) => num(r.peakRssWithLaunchersMiB, 0)],
    ["peak PSS agent + launchers MiB", (r) => num(r.peakPssWithLaunchersMiB, 0)],
  ]);
}
