import { parseArgs } from "node:util";

export const SECTIONS = [
  "throughput",
  "latency",
  "backlog",
  "handlers",
  "idle",
  "profile",
  "webhook",
];
export const CONTENDERS = ["evh", "node", "node-execa", "xargs", "incron"];

/**
 * Every option, its default, its --full value, and its help. Each one can
 * also come from the environment as BENCH_<NAME> (e.g. BENCH_N=500), which
 * suits CI; a flag wins over the environment.
 */
const OPTIONS = {
  n: { default: 3000, full: 3000, help: "events per burst (throughput, profile)" },
  concurrency: {
    default: "2",
    full: "2",
    help: "evh concurrency, and that of node / xargs; a list (2,1,4) sweeps throughput, the first is used elsewhere",
  },
  reps: {
    default: 3,
    full: 5,
    help: "repetitions of throughput and latency runs (medians reported)",
  },
  "latency-n": { default: 200, full: 500, help: "events dropped one by one for latency" },
  "latency-gap": { default: 20, full: 20, help: "ms between those drops" },
  backlog: { default: 20_000, full: 100_000, help: "events waiting in new/ when the agent starts" },
  handlers: { default: "10,100,1000,10000", full: "10,100,1000,10000", help: "handler counts" },
  "match-n": { default: 1000, full: 3000, help: "events per handler-count run" },
  "webhook-n": {
    default: 3000,
    full: 3000,
    help: "events per burst to a local receiver (webhook handler vs curl command)",
  },
  "idle-s": { default: 10, full: 30, help: "seconds of idle measurement" },
  "run-timeout": { default: 600, full: 3600, help: "seconds after which one run stops waiting" },
};

const FLAGS = {
  only: { help: `comma-separated sections to run: ${SECTIONS.join(",")}` },
  skip: { help: "comma-separated sections to leave out" },
  full: { help: "the full-size run (100k backlog, 5 repetitions, ...)", boolean: true },
  evh: { help: "path to another evh checkout's bin/evh, to compare builds" },
  "evh-node": { help: 'node flags for the agent, e.g. --evh-node="--max-semi-space-size=2"' },
  "evh-yaml": { help: 'extra evh.yaml lines, e.g. "keep_done: true" (log.level must stay info)' },
  contenders: { help: "comma-separated subset of evh,node,node-execa,xargs,incron (default all)" },
  install: { help: "apt-get install incron and strace if missing", boolean: true },
  keep: { help: "keep the temp roots (for inspection)", boolean: true },
  help: { help: "this text", boolean: true },
};

export function usage() {
  const lines = ["usage: npm run bench -- [options]   (or node bench/run.mjs [options])", ""];
  for (const [name, o] of Object.entries(OPTIONS)) {
    lines.push(`  --${name.padEnd(13)} ${o.help} (default ${o.default}; --full ${o.full})`);
  }
  for (const [name, o] of Object.entries(FLAGS)) lines.push(`  --${name.padEnd(13)} ${o.help}`);
  lines.push(
    "",
    "Each option may also be set as BENCH_<NAME>, e.g. BENCH_N=500 BENCH_ONLY=latency.",
  );
  return lines.join("\n");
}

const envName = (name) => `BENCH_${name.toUpperCase().replaceAll("-", "_")}`;

export function readOptions(argv = process.argv.slice(2), env = process.env) {
  const spec = {};
  for (const name of [...Object.keys(OPTIONS), ...Object.keys(FLAGS)]) {
    spec[name] = { type: FLAGS[name]?.boolean ? "boolean" : "string" };
  }
  const { values } = parseArgs({ args: argv, options: spec, strict: true });
  const pick = (name) => values[name] ?? env[envName(name)];
  const flag = (name) => values[name] ?? ["1", "true", "yes"].includes(env[envName(name)] ?? "");
  const full = flag("full");

  const number = (name) => {
    const raw = pick(name) ?? OPTIONS[name][full ? "full" : "default"];
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return value;
  };
  const list = (raw) =>
    raw
      ? String(raw)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const concurrencies = concurrencyList(pick("concurrency") ?? OPTIONS.concurrency.default);
  const only = list(pick("only"));
  const skip = list(pick("skip"));
  for (const s of [...only, ...skip]) {
    if (!SECTIONS.includes(s))
      throw new Error(`unknown section ${s}; sections: ${SECTIONS.join(", ")}`);
  }
  return {
    help: flag("help"),
    full,
    n: number("n"),
    concurrency: concurrencies[0],
    concurrencies,
    reps: number("reps"),
    latencyN: number("latency-n"),
    latencyGapMs: number("latency-gap"),
    backlog: number("backlog"),
    handlerCounts: list(pick("handlers") ?? OPTIONS.handlers[full ? "full" : "default"]).map(
      Number,
    ),
    matchN: number("match-n"),
    idleS: number("idle-s"),
    webhookN: number("webhook-n"),
    runTimeoutS: number("run-timeout"),
    sections: SECTIONS.filter((s) => (only.length === 0 || only.includes(s)) && !skip.includes(s)),
    evhBin: pick("evh"),
    evhYaml: pick("evh-yaml"),
    evhNodeArgs: list(pick("evh-node")?.replaceAll(" ", ",")),
    contenders: list(pick("contenders") ?? CONTENDERS.join(",")),
    install: flag("install"),
    keep: flag("keep"),
  };
}

/** `--concurrency 2,1,4`: distinct positive integers, in the order given (the first is the main one). */
function concurrencyList(raw) {
  const words = String(raw)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const values = words.map(Number);
  for (const [i, value] of values.entries()) {
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`--concurrency takes positive integers, e.g. 1,2,4; got ${words[i]}`);
  }
  if (values.length === 0) throw new Error("--concurrency takes positive integers, e.g. 1,2,4");
  if (new Set(values).size !== values.length)
    throw new Error(`--concurrency lists a value twice: ${raw}`);
  return values;
}
