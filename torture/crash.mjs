#!/usr/bin/env node
// npm run torture:crash -- [--events 3000] [--kills 30] [--concurrency 4] [--seed N] [--keep]
import { main } from "./lib/cli.mjs";
import { CRASH_DEFAULTS, runCrash } from "./lib/crash.mjs";

await main(runCrash, CRASH_DEFAULTS);
