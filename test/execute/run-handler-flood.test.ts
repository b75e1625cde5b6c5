import { afterEach, beforeEach, expect, it } from "vitest";
import { OUTPUT_TAIL_BYTES } from "../../src/execute/output-tail.js";
import { runHandler } from "../../src/execute/run-handler.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { makeContext, makeEvent, makeHandler, script } from "./fixtures.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot("evh-flood-");
});
afterEach(() => root.cleanup());

it("keeps the last 64 KiB of a 200 MB flood, and the agent's memory stays bounded", async () => {
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  try {
    const record = await runHandler(
      makeHandler([script("flood.sh"), "200000000"]),
      makeEvent(),
      makeContext(root.varDir),
    );
    expect(record.outcome).toBe("ok");
    expect(Buffer.byteLength(record.stdout)).toBeLessThanOrEqual(OUTPUT_TAIL_BYTES);
    expect(record.stdout.length).toBeGreaterThan(OUTPUT_TAIL_BYTES - 100);
    expect(record.stdout.endsWith("xxx\nEND-OF-FLOOD\n")).toBe(true);
  } finally {
    clearInterval(sampler);
  }
  // A bound, not a timing: buffering the flood would need 200 MB more.
  expect(rssPeak - rssBefore).toBeLessThan(100 * 1024 * 1024);
});
