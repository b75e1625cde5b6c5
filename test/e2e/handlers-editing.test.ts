import { renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { waitForLog, withMessage } from "../helpers/agent-log.js";
import { type E2eRoot, useE2eRoots } from "../helpers/e2e-root.js";
import { waitFor } from "../helpers/wait-for.js";

/*
 * handlers.d/ is edited by people and by config-management tools, each with
 * its own way of saving. Whatever the way, one save is one reload with the
 * new content, and files that are not handler files (swap files, backups,
 * temp names) cause none.
 */

const newRoot = useE2eRoots();

const CHANGE = "handlers reloaded after a change in handlers.d";

const handlerText = (id: string) => `id: ${id}\nevent: client_create\ncommand: /bin/true\n`;

/** Reloads caused by the watcher so far. */
const changeReloads = (root: E2eRoot) => withMessage(root.logFile, CHANGE).map((e) => e.message);

/** Waits for a reload after a change with this many active handlers. */
const reloadedWith = (root: E2eRoot, active: number) =>
  waitForLog(
    root.logFile,
    (e) => e.message.startsWith(`${CHANGE}: ${active} active`),
    `a reload with ${active} active`,
    20_000,
  );

/**
 * A point in time well after anything written before it: an unparsable event
 * is parsed a second time only after the settle delay (1 s here), then moved
 * to failed/. A reload a watcher scheduled before it would be logged by then.
 */
async function barrier(root: E2eRoot): Promise<void> {
  const name = root.drop("not an event");
  await waitFor(() => root.files("failed").includes(name), 20_000, `${name} in failed/`);
}

describe("handlers.d edited the ways people and tools edit it", () => {
  test("an editor's swap, backup and lock files cause no reload", async () => {
    const root = newRoot({ settle_delay: "1s" });
    root.handler("10-a.yaml", handlerText("a"));
    await root.start();
    const dir = root.handlersDir;
    // vim rewrites its swap file while the buffer is edited; emacs leaves a lock and a backup.
    for (let i = 0; i < 5; i++) writeFileSync(`${dir}/.10-a.yaml.swp`, `swap ${i}`);
    writeFileSync(`${dir}/10-a.yaml~`, handlerText("a"));
    writeFileSync(`${dir}/.#10-a.yaml`, "root@host.1234");
    writeFileSync(`${dir}/4913`, ""); // vim's probe that the folder is writable
    rmSync(`${dir}/4913`);
    await barrier(root);
    expect(changeReloads(root)).toEqual([]);
  });

  test("an editor's atomic save (rename to backup, write, remove backup) is one reload with the new content", async () => {
    const root = newRoot({ settle_delay: "1s" });
    root.handler("10-a.yaml", handlerText("a"));
    await root.start();
    const file = root.path("handlers.d", "10-a.yaml");
    renameSync(file, `${file}~`);
    writeFileSync(file, `${handlerText("a")}---\n${handlerText("b")}`);
    rmSync(`${file}~`);
    await reloadedWith(root, 2);
    await barrier(root);
    expect(changeReloads(root)).toEqual([`${CHANGE}: 2 active`]);
  });

  test("Ansible's temp-then-rename (a hidden temp file in handlers.d/) is one reload", async () => {
    const root = newRoot({ settle_delay: "1s" });
    root.handler("10-a.yaml", handlerText("a"));
    await root.start();
    const temp = root.path("handlers.d", ".ansible_tmp8v2kq1d0.20-b.yaml");
    writeFileSync(temp, handlerText("b"));
    renameSync(temp, root.path("handlers.d", "20-b.yaml"));
    await reloadedWith(root, 2);
    await barrier(root);
    expect(changeReloads(root)).toEqual([`${CHANGE}: 2 active`]);
  });

  test("a handlers.d/ that is a symlink is watched through it", async () => {
    const root = newRoot({ settle_delay: "1s" });
    renameSync(root.handlersDir, root.path("handlers.real"));
    symlinkSync("handlers.real", root.handlersDir);
    root.handler("10-a.yaml", handlerText("a"));
    const agent = await root.start();
    expect(agent.output()).toContain("agent ready");
    writeFileSync(root.path("handlers.real", "20-b.yaml"), handlerText("b"));
    await reloadedWith(root, 2);
    rmSync(root.path("handlers.real", "10-a.yaml"));
    await reloadedWith(root, 1);
    await barrier(root);
    expect(changeReloads(root)).toEqual([`${CHANGE}: 2 active`, `${CHANGE}: 1 active`]);
  });
});
