import path from "node:path";
import type { EvhConfig } from "../config/config.js";
import { AgentLogger } from "../record/logger.js";
import { ensureTrustedStateDir } from "../system/trusted-path.js";
import { Agent } from "./agent.js";

/** Options of {@link startAgent}. */
export interface StartAgentOptions {
  /**
   * Where the agent logs (SPEC §8). The caller keeps it and closes it after
   * `agent.close()`.
   *
   * @defaultValue a logger writing `config.logFile` only (no console lines),
   * closed by `agent.close()`
   */
  readonly logger?: AgentLogger;
}

/**
 * Starts an agent in this process, as `evh run` does without its signal
 * handling: takes the spool's instance lock, resumes what is in cur/ and
 * runs handlers for events until `close()` (two-phase: running handlers get
 * the grace period, then are killed). `hurry()` ends the grace period at
 * once. Throws `AgentRunningError` when another agent holds the spool.
 *
 * @example
 * const agent = await startAgent(resolveConfig({ root: "/srv/evh" }));
 * process.once("SIGTERM", () => void agent.close());
 */
export async function startAgent(
  config: EvhConfig,
  options: StartAgentOptions = {},
): Promise<Agent> {
  if (options.logger) return Agent.start(config, options.logger);
  // Created (0700) and checked before anything is written there, as `evh run` does.
  ensureTrustedStateDir(config.varDir);
  ensureTrustedStateDir(path.dirname(config.logFile));
  return Agent.start(config, new AgentLogger(config.logFile, config.logLevel, false), {
    closeLog: true,
  });
}
