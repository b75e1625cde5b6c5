#!/usr/bin/env node
// npm run torture:bad-handlers -- [--every N] [--keep]
import { BAD_HANDLERS_DEFAULTS, runBadHandlers } from "./lib/bad-handlers.mjs";
import { main } from "./lib/cli.mjs";

await main(runBadHandlers, BAD_HANDLERS_DEFAULTS);
