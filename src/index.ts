/** The public surface of the evh package: named exports only. */
/** The agent itself; startAgent() is the documented way to start one. */
export { Agent } from "./agent/agent.js";
export { type StartAgentOptions, startAgent } from "./agent/start-agent.js";
export type { EvhConfig } from "./config/config.js";
export { resolveConfig } from "./config/resolve-config.js";
export {
  AgentRunningError,
  EventDecodeError,
  EvhError,
  HandlerInvalidError,
} from "./errors/evh-error.js";
export type { EvhEvent } from "./events/event.js";
export { AgentLogger } from "./record/logger.js";
export { type EmitInput, type EmitOptions, emitBytes, emitEvent } from "./spool/emit-event.js";
