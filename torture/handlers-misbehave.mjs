#!/usr/bin/env node
// npm run torture:handlers-misbehave -- [--flood-bytes 300000000] [--keep]
import { main } from "./lib/cli.mjs";
import { MISBEHAVE_DEFAULTS, runMisbehave } from "./lib/misbehave.mjs";

await main(runMisbehave, MISBEHAVE_DEFAULTS);
