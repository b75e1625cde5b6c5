/** The public surface of the evh package: named exports only. */
export { Agent } from "./agent/agent.js";
export type { EvhConfig } from "./config/config.js";
export { resolveConfig } from "./config/resolve-config.js";
export { EventDecodeError, EvhError, HandlerInvalidError } from "./errors/evh-error.js";
export type { EvhEvent } from "./events/event.js";
export { type EmitInput, type EmitOptions, emitBytes, emitEvent } from "./spool/emit-event.js";
