#!/usr/bin/env node
import { ATTACKER_DEFAULTS, runAttacker } from "./lib/attacker.mjs";
// npm run torture:attacker -- [--keep] [--race-events N] [--only ID-PREFIX] [--verbose]
import { main } from "./lib/cli.mjs";

await main(runAttacker, ATTACKER_DEFAULTS);
