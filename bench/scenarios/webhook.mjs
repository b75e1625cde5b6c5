import { renameSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { startAgent } from "../lib/agent.mjs";
import { nowMs, sleep } from "../lib/clock.mjs";
import { summarize } from "../lib/stats.mjs";
import { EVENT, limits, makeEvhRoot, stageEvents } from "../lib/workload.mjs";

/** The bench's signing key; any well-formed key signs as fast. */
const KEY = `whsec_${Buffer.from("evh-bench-signing-key-0123456789").toString("base64")}`;

/**
 * A receiver on 127.0.0.1 that answers 200 at once and notes when each
 * event arrived: by the webhook body's data.id, or (curl) the raw body.
 */
async function startReceiver() {
  const arrivals = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const at = nowMs();
      const text = Buffer.concat(chunks).toString("utf8");
      let id = text.trim();
      if (text.startsWith("{")) id = JSON.parse(text).data?.id ?? id;
      if (!arrivals.has(id)) arrivals.set(id, at);
      res.writeHead(200, { "content-length": "0" });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Renames each staged event into new/ and notes when it became visible. */
function dropEach(spool, ids) {
  const drops = new Map();
  for (const id of ids) {
    renameSync(path.join(spool, "tmp", `${id}.json`), path.join(spool, "new", `${id}.json`));
    drops.set(id, nowMs());
  }
  return drops;
}

async function waitForArrivals(arrivals, n, { stallMs = 30_000 } = {}) {
  let seen = -1;
  let since = Date.now();
  const deadline = Date.now() + limits.runTimeoutMs;
  while (arrivals.size < n && Date.now() < deadline) {
    if (arrivals.size !== seen) {
      seen = arrivals.size;
      since = Date.now();
    } else if (Date.now() - since > stallMs) break;
    await sleep(200);
  }
}

/** One contender: `handler` is the YAML of the handler that delivers to the receiver. */
async function runOne(opts, label, handlerYaml, progress) {
  const receiver = await startReceiver();
  try {
    const root = makeEvhRoot(opts);
    const key = path.join(root.root, "webhook.key");
    writeFileSync(key, `${KEY}\n`, { mode: 0o600 });
    writeFileSync(
      path.join(root.root, "handlers.d", "10-bench.yaml"),
      handlerYaml(receiver.url, key),
      { mode: 0o644 },
    );
    const ids = stageEvents(root.spool, opts.webhookN);
    const agent = await startAgent(root.root);
    const drops = dropEach(root.spool, ids);
    await waitForArrivals(receiver.arrivals, ids.length);
    await agent.stop();
    const firstDrop = Math.min(...drops.values());
    const lastArrival = Math.max(...receiver.arrivals.values());
    const latencies = ids
      .filter((id) => receiver.arrivals.has(id))
      .map((id) => receiver.arrivals.get(id) - drops.get(id));
    const seconds = (lastArrival - firstDrop) / 1000;
    const row = {
      contender: label,
      events: receiver.arrivals.size,
      missing: ids.length - receiver.arrivals.size,
      seconds,
      perSecond: receiver.arrivals.size / seconds,
      latencyMs: summarize(latencies),
    };
    progress(
      `webhook ${label}: ${row.perSecond.toFixed(1)} events/s, drop→receipt p50 ${row.latencyMs.p50.toFixed(0)} ms, p99 ${row.latencyMs.p99.toFixed(0)} ms`,
    );
    return row;
  } finally {
    await receiver.close();
  }
}

/**
 * Delivery over HTTP: a burst of events to a local receiver, once through a
 * `webhook:` handler (signed, keep-alive) and once through a command handler
 * running `curl` (a process and a connection per event), as integrations
 * are written today. events/s is from the first drop to the last receipt.
 */
export async function webhook(opts, { progress }) {
  const native = await runOne(
    opts,
    "webhook",
    (url, key) =>
      `id: bench\nevent: ${EVENT}\nwebhook:\n  url: ${url}\n  secret_file: ${key}\n  timeout: 60s\n`,
    progress,
  );
  const curl = await runOne(
    opts,
    "curl",
    (url) =>
      `id: bench\nevent: ${EVENT}\ncommand: [curl, -sS, -o, /dev/null, --fail, -H, "content-type: text/plain", --data-binary, "<evh_event_id>", "${url}"]\ntimeout: 60s\n`,
    progress,
  );
  return { rows: [native, curl], ratio: native.perSecond / curl.perSecond };
}
