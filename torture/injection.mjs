#!/usr/bin/env node
// npm run torture:injection -- [--keep]
import { main } from "./lib/cli.mjs";
import { INJECTION_DEFAULTS, runInjection } from "./lib/injection.mjs";

await main(runInjection, INJECTION_DEFAULTS);
