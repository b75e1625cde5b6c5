import type { EvhConfig } from "../config/config.js";
import { toError } from "../errors/evh-error.js";
import type { AgentLogger } from "../record/logger.js";
import { Agent } from "./agent.js";
import { logTransient } from "./log-events.js";

/**
 * The agent's life as a process (`evh run`): starts it, stops it on SIGTERM
 * or SIGINT, reloads on SIGHUP, and resolves with the exit status once
 * everything it held is released and the log is closed.
 *
 * Listeners go in before the agent starts: a SIGTERM during start-up (a
 * large backlog, a slow disk) must still end in a clean shutdown, not in
 * Node's default death that leaves the instance lock behind. A second
 * SIGTERM or SIGINT ends the grace period at once: running handlers are
 * killed and the agent exits without waiting for them to finish.
 */
export async function runAgent(config: EvhConfig, log: AgentLogger): Promise<number> {
  let agent: Agent | undefined;
  let signals = 0;
  let finish: (status: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const detach = () => {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    process.off("SIGHUP", hangup);
  };
  const shutdown = async (running: Agent, hurry: boolean) => {
    let status = 0;
    try {
      await (hurry ? running.hurry() : running.close());
    } catch (error) {
      // Shutdown went on past the error: what the agent held is released.
      logTransient(log.logger, "stopping the agent", toError(error));
      status = 1;
    } finally {
      detach();
      await log.close();
      finish(status);
    }
  };
  function stop(signal: NodeJS.Signals): void {
    signals++;
    if (signals === 1) {
      log.logger.info(`received ${signal}`);
      if (agent) void shutdown(agent, false);
    } else if (signals === 2) {
      log.logger.warn(`received ${signal} again: stopping now`);
      void agent?.hurry().catch(() => undefined); // reported by the first shutdown
    }
  }
  function hangup(): void {
    agent?.hangup();
  }
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("SIGHUP", hangup);
  try {
    agent = await Agent.start(config, log);
  } catch (error) {
    detach();
    await log.close();
    throw error;
  }
  if (signals > 0) void shutdown(agent, signals > 1);
  return finished;
}
