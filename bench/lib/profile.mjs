import { readFileSync } from "node:fs";

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) into where the agent's main
 * thread spends its time:
 *
 * - `components`: each sample is charged to the nearest frame, from the leaf
 *   up, that belongs to evh (dist/<dir>/<file>) or to a package
 *   (node_modules/<pkg>). So time in node's stream internals under winston
 *   counts as winston, and child_process under execa as execa. Samples with
 *   no such frame are node's own (event loop, child exits, promise jobs).
 * - `functions`: plain self time per function, the hot spots.
 *
 * `fromMs`/`toMs` (from the start of profiling) cut the profile to a window.
 * Only the main JS thread is sampled: fs work done in the libuv pool
 * (fdatasync, rename, lstat) shows up as (idle) here, not as its own cost.
 */
export function summarizeProfile(
  file,
  { events, top = 15, fromMs = 0, toMs = Number.POSITIVE_INFINITY } = {},
) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample i lasted until sample i + 1; the last one gets the mean interval. Only samples
  // between fromMs and toMs (from the profile's start) count: start-up is not per-event cost.
  const deltas = profile.timeDeltas;
  const mean = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const selfUs = new Map();
  let at = 0;
  profile.samples.forEach((id, i) => {
    at += deltas[i];
    if (at < fromMs * 1000 || at > toMs * 1000) return;
    const us = i + 1 < deltas.length ? deltas[i + 1] : mean;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, us));
  });

  const components = new Map();
  const functions = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const node = byId.get(id);
    const fn = functionLabel(node.callFrame);
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const component = componentOf(id, byId, parent);
    components.set(component, (components.get(component) ?? 0) + us);
  }
  const rows = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({
        name,
        ms: us / 1000,
        share: us / totalUs,
        msPerEvent: events ? us / 1000 / events : undefined,
      }));
  return {
    wallMs: totalUs / 1000,
    components: rows(components),
    functions: rows(functions).slice(0, top),
  };
}

const SPECIAL = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

function componentOf(id, byId, parent) {
  const leaf = byId.get(id).callFrame;
  if (SPECIAL.has(leaf.functionName)) return leaf.functionName;
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const owner = ownerOf(byId.get(at).callFrame.url);
    if (owner) return owner;
  }
  return "node (no evh or package frame)";
}

/** `winston`, `@scope/pkg`, or `evh agent/intake.js`; undefined for node's own code. */
function ownerOf(url) {
  const modules = url.lastIndexOf("/node_modules/");
  if (modules !== -1) {
    const [first, second] = url.slice(modules + 14).split("/");
    return first.startsWith("@") ? `${first}/${second}` : first;
  }
  const dist = url.lastIndexOf("/dist/");
  if (dist !== -1) return `evh ${url.slice(dist + 6)}`;
  return undefined;
}

function functionLabel({ functionName, url, lineNumber }) {
  const name = functionName || "(anonymous)";
  if (!url) return name;
  const short = url
    .replace(/^.*\/node_modules\//, "")
    .replace(/^.*\/dist\//, "evh/")
    .replace(/^file:\/\//, "");
  return `${name} ${short}:${lineNumber + 1}`;
}
