#!/usr/bin/env node
// npm run torture:resources -- [--events 30] [--full-ms 6000] [--keep]
import { main } from "./lib/cli.mjs";
import { RESOURCES_DEFAULTS, runResources } from "./lib/resources.mjs";

await main(runResources, RESOURCES_DEFAULTS);
