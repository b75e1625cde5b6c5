import { startAgent } from "../lib/agent.mjs";
import { meterAgent } from "../lib/agent-meter.mjs";
import {
  dropStaged,
  makeEvhRoot,
  stageEvents,
  throughputOf,
  waitForStarts,
} from "../lib/workload.mjs";

/**
 * Many handlers that never match the event: load time (spawn → "agent
 * ready") and what they cost each event. Agent CPU per event is the
 * sensitive figure: throughput is dominated by the handler's spawn, so a
 * matching cost hides in its noise, but not in the agent's own CPU time.
 */
export async function handlers(opts, { progress }) {
  const rows = [];
  for (const count of opts.handlerCounts) {
    const root = makeEvhRoot(opts, { extraHandlers: count });
    const ids = stageEvents(root.spool, opts.matchN);
    const agent = await startAgent(root.root);
    const loadMs = agent.readyAtMs - agent.spawnedAtMs;
    // chokidar's watch of every file is set up after "agent ready"; matching is measured once it
    // stands, so that its scan's CPU is not charged to the events.
    const watchMs = (await agent.when("for changes")) - agent.spawnedAtMs;
    const meter = meterAgent(agent.pid);
    const firstDrop = dropStaged(root.spool, ids);
    const starts = await waitForStarts(root.out, opts.matchN);
    const row = {
      handlers: count,
      loadMs,
      watchMs,
      ...throughputOf(starts, firstDrop, opts.matchN),
      ...meter.finish(opts.matchN),
    };
    await agent.stop();
    rows.push(row);
    progress(
      `handlers ${count}: ready in ${Math.round(loadMs)} ms (watching in ${Math.round(watchMs)} ms), ` +
        `${row.perSecond.toFixed(1)} events/s, ` +
        `${row.cpuMsPerEvent.toFixed(2)} ms agent CPU/event`,
    );
  }
  return rows;
}
