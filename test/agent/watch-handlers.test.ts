import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type HandlerWatch, watchHandlers } from "../../src/agent/watch-handlers.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { waitFor } from "../helpers/wait-for.js";

/*
 * watchHandlers returns before chokidar's initial scan is over, so that the
 * agent can load meanwhile. A change made from its return on must still
 * cause a reload, whether chokidar had its watches in place by then or not.
 */

const handlerText = (id: string) => `id: ${id}\nevent: client_create\ncommand: /bin/true\n`;

/** Enough files that chokidar's scan (a stat and a watch each) is still running after the return. */
const MANY = 300;

let roots: TempRoot[] = [];
let watches: HandlerWatch[] = [];
afterEach(async () => {
  await Promise.all(watches.map((w) => w.stop()));
  for (const root of roots) root.cleanup();
  roots = [];
  watches = [];
});

function rootWith(files: number): TempRoot {
  const root = makeTempRoot();
  roots.push(root);
  for (let i = 0; i < files; i++) {
    const id = `h${String(i).padStart(4, "0")}`;
    writeFileSync(path.join(root.handlersDir, `${id}.yaml`), handlerText(id));
  }
  return root;
}

/** Starts watching; `reloads()` counts the reloads so far, `scanned()` whether chokidar was ready. */
async function watch(dir: string) {
  let reloads = 0;
  let ready = false;
  const watching = await watchHandlers(dir, () => reloads++);
  watches.push(watching);
  void watching.ready.then(() => {
    ready = true;
  });
  return { watching, reloads: () => reloads, scanned: () => ready };
}

describe("watchHandlers during chokidar's initial scan", () => {
  test("a handler file written right after it returns is reloaded", async () => {
    const root = rootWith(MANY);
    const w = await watch(root.handlersDir);
    expect(w.scanned()).toBe(false);
    writeFileSync(path.join(root.handlersDir, "h0007.yaml"), handlerText("changed"));
    await waitFor(() => w.reloads() === 1, 10_000, "a reload");
  });

  test("a handler file added or removed right after it returns is reloaded", async () => {
    const root = rootWith(MANY);
    const w = await watch(root.handlersDir);
    expect(w.scanned()).toBe(false);
    rmSync(path.join(root.handlersDir, "h0003.yaml"));
    await waitFor(() => w.reloads() === 1, 10_000, "a reload after a removal");
    await w.watching.ready;
    writeFileSync(path.join(root.handlersDir, "new.yaml"), handlerText("new"));
    await waitFor(() => w.reloads() === 2, 10_000, "a reload after an addition");
  });

  test("a handler file chmod-ed right after it returns is reloaded (as root, its mode decides whether it loads)", async () => {
    const root = rootWith(MANY);
    const w = await watch(root.handlersDir);
    expect(w.scanned()).toBe(false);
    chmodSync(path.join(root.handlersDir, "h0005.yaml"), 0o666);
    await waitFor(() => w.reloads() === 1, 10_000, "a reload");
  });

  test("the target of a handler file that is a symlink, changed right after it returns, is reloaded", async () => {
    const root = rootWith(MANY);
    mkdirSync(root.path("shared"));
    const target = root.path("shared", "crm.yaml");
    writeFileSync(target, handlerText("crm"));
    symlinkSync(target, path.join(root.handlersDir, "crm.yaml"));
    const w = await watch(root.handlersDir);
    expect(w.scanned()).toBe(false);
    writeFileSync(target, handlerText("crm-changed"));
    await waitFor(() => w.reloads() === 1, 10_000, "a reload");
  });

  test("names that are not handler files cause no reload, before or after the scan", async () => {
    const root = rootWith(MANY);
    const w = await watch(root.handlersDir);
    expect(w.scanned()).toBe(false);
    writeFileSync(path.join(root.handlersDir, ".h0001.yaml.swp"), "swap");
    writeFileSync(path.join(root.handlersDir, "h0001.yaml~"), handlerText("backup"));
    await w.watching.ready;
    writeFileSync(path.join(root.handlersDir, ".h0001.yaml.swp"), "swap again");
    // The barrier: a handler file's change is one reload, and nothing else came before it.
    writeFileSync(path.join(root.handlersDir, "h0002.yaml"), handlerText("changed"));
    await waitFor(() => w.reloads() >= 1, 10_000, "the barrier's reload");
    expect(w.reloads()).toBe(1);
  });

  test("after the scan, a change is still reloaded (chokidar's own watches)", async () => {
    const root = rootWith(3);
    const w = await watch(root.handlersDir);
    await w.watching.ready;
    writeFileSync(path.join(root.handlersDir, "h0001.yaml"), handlerText("changed"));
    await waitFor(() => w.reloads() === 1, 10_000, "a reload");
  });

  test("a missing handlers.d/ is watched as chokidar watches it: returning once it is ready", async () => {
    const root = rootWith(0);
    rmSync(root.handlersDir, { recursive: true });
    const w = await watch(root.handlersDir);
    await waitFor(() => w.scanned(), 1000, "ready already");
  });
});
