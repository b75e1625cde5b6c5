#!/usr/bin/env node
/**
 * `npm run bench:charts -- RESULTS.json [--out DIR]`: redraws a run's two
 * charts (throughput against concurrency, latency CDF) from its results
 * JSON, as `npm run bench` drew them at the end of the run. They are
 * written beside the JSON (`<time>-throughput.svg`, `<time>-latency-cdf.svg`),
 * or into DIR, e.g. to refresh the ones a document shows.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeCharts } from "./lib/charts.mjs";

const USAGE = "usage: npm run bench:charts -- bench/results/<time>.json [--out DIR]";

let parsed;
try {
  parsed = parseArgs({ options: { out: { type: "string" } }, allowPositionals: true });
} catch (error) {
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exit(2);
}
const [file, ...extra] = parsed.positionals;
if (!file || extra.length > 0) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
const results = JSON.parse(readFileSync(file, "utf8"));
const stem = path.basename(file, ".json");
const base = path.join(parsed.values.out ?? path.dirname(file), stem);
const say = (line) => process.stderr.write(`${line}\n`);
for (const written of writeCharts(results, base, say)) process.stdout.write(`${written}\n`);
