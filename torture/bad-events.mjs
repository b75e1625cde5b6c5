#!/usr/bin/env node
// npm run torture:bad-events -- [--every N] [--settle-delay-ms 300] [--keep]
import { BAD_EVENTS_DEFAULTS, runBadEvents } from "./lib/bad-events.mjs";
import { main } from "./lib/cli.mjs";

await main(runBadEvents, BAD_EVENTS_DEFAULTS);
