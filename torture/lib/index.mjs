// The torture scenarios, for the npm scripts (torture/*.mjs) and the CI-sized vitest tests (test/torture/).
export { BAD_EVENTS_DEFAULTS, runBadEvents } from "./bad-events.mjs";
export { BAD_HANDLERS_DEFAULTS, runBadHandlers } from "./bad-handlers.mjs";
export { CRASH_DEFAULTS, runCrash } from "./crash.mjs";
export { handlerYaml, isRoot, makeRoot, readRuns, startAgent, until } from "./harness.mjs";
export { INJECTION_DEFAULTS, runInjection } from "./injection.mjs";
export { KNOWN_DEFECTS } from "./known-defects.mjs";
export { MISBEHAVE_DEFAULTS, runMisbehave } from "./misbehave.mjs";
export { RESOURCES_DEFAULTS, runResources } from "./resources.mjs";
