import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HandlerStore } from "../../src/handlers/handler-store.js";
import { loadHandlerDir } from "../../src/handlers/load-handlers.js";
import { currentUser, lookupUser } from "../../src/system/system-users.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { doc, loadContext, printed, writeScripts } from "./load-helpers.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot();
  writeScripts(root);
});
afterEach(() => root.cleanup());

const WHY = "as root, evh loads only handler files that nobody but root can change";
const asRoot = () => loadHandlerDir(root.handlersDir, loadContext({ agentIsRoot: true }));
const nobody = () => lookupUser("nobody")?.uid ?? 65534;

describe("handler files as root, like cron", () => {
  it.skipIf(!isRoot)(`refuses a file owned by another user${ROOT_ONLY}`, () => {
    const file = root.write("handlers.d/a.yaml", doc(root, "a"));
    root.write("handlers.d/b.yaml", doc(root, "b"));
    chownSync(file, nobody(), nobody());
    const result = asRoot();
    expect(printed(root, result)).toEqual([
      `handlers.d/a.yaml:1: error: refused: the file is owned by uid ${nobody()} (nobody), not root; ${WHY} (fix: chown root ${file})`,
    ]);
    expect(result.handlers.map((h) => h.id)).toEqual(["b"]);
  });

  it.skipIf(!isRoot)(`refuses a file writable by group or others${ROOT_ONLY}`, () => {
    const g = root.write("handlers.d/g.yaml", doc(root, "g"), 0o664);
    const o = root.write("handlers.d/o.yaml", doc(root, "o"), 0o646);
    expect(printed(root, asRoot())).toEqual([
      `handlers.d/g.yaml:1: error: refused: the file is writable by group or others (mode 0664); ${WHY} (fix: chmod go-w ${g})`,
      `handlers.d/o.yaml:1: error: refused: the file is writable by group or others (mode 0646); ${WHY} (fix: chmod go-w ${o})`,
    ]);
  });

  it.skipIf(!isRoot)(
    `refuses every file when the directory is writable by others${ROOT_ONLY}`,
    () => {
      root.write("handlers.d/a.yaml", doc(root, "a"));
      root.write("handlers.d/b.yaml", doc(root, "b"));
      chmodSync(root.handlersDir, 0o777);
      const result = asRoot();
      const why = `refused: the directory ${root.handlersDir} is writable by group or others (mode 0777); ${WHY} (fix: chmod go-w ${root.handlersDir})`;
      expect(printed(root, result)).toEqual([
        `handlers.d/a.yaml:1: error: ${why}`,
        `handlers.d/b.yaml:1: error: ${why}`,
      ]);
      expect(result.handlers).toEqual([]);
    },
  );

  it.skipIf(!isRoot)(`refuses every file when another user owns the directory${ROOT_ONLY}`, () => {
    root.write("handlers.d/a.yaml", doc(root, "a"));
    root.write("handlers.d/b.yaml", doc(root, "b"));
    // 0755: only its owner can change it, but that owner is not root.
    chownSync(root.handlersDir, nobody(), 0);
    const result = asRoot();
    const why = `refused: the directory ${root.handlersDir} is owned by uid ${nobody()} (nobody), not root; ${WHY} (fix: chown root ${root.handlersDir})`;
    expect(printed(root, result)).toEqual([
      `handlers.d/a.yaml:1: error: ${why}`,
      `handlers.d/b.yaml:1: error: ${why}`,
    ]);
    expect(result.handlers).toEqual([]);
  });

  it.skipIf(!isRoot)(`refuses a symlink into a directory others can write${ROOT_ONLY}`, () => {
    mkdirSync(root.path("shared"), { mode: 0o777 });
    chmodSync(root.path("shared"), 0o777);
    writeFileSync(root.path("shared/crm.yaml"), doc(root, "linked"), { mode: 0o644 });
    symlinkSync(root.path("shared/crm.yaml"), root.path("handlers.d/crm.yaml"));
    const dir = root.path("shared");
    expect(printed(root, asRoot())).toEqual([
      `handlers.d/crm.yaml:1: error: refused: the symlink points into ${dir}, which someone other than root can write; ${WHY} (fix: chown root ${dir} && chmod go-w ${dir})`,
    ]);
  });

  it.skipIf(!isRoot)(
    `refuses a link to a link into a directory others can write${ROOT_ONLY}`,
    () => {
      mkdirSync(root.path("shared"), { mode: 0o777 });
      chmodSync(root.path("shared"), 0o777);
      mkdirSync(root.path("safe"), { mode: 0o755 });
      writeFileSync(root.path("shared/crm.yaml"), doc(root, "linked"), { mode: 0o644 });
      symlinkSync(root.path("shared/crm.yaml"), root.path("safe/crm.yaml"));
      symlinkSync(root.path("safe/crm.yaml"), root.path("handlers.d/crm.yaml"));
      const dir = root.path("shared");
      expect(printed(root, asRoot())).toEqual([
        `handlers.d/crm.yaml:1: error: refused: the symlink points into ${dir}, which someone other than root can write; ${WHY} (fix: chown root ${dir} && chmod go-w ${dir})`,
      ]);
    },
  );

  it.skipIf(!isRoot)(`loads a symlink into a directory only root can write${ROOT_ONLY}`, () => {
    mkdirSync(root.path("safe"), { mode: 0o755 });
    writeFileSync(root.path("safe/crm.yaml"), doc(root, "linked"), { mode: 0o644 });
    symlinkSync("../safe/crm.yaml", root.path("handlers.d/crm.yaml"));
    const result = asRoot();
    expect(printed(root, result)).toEqual([]);
    expect(result.handlers.map((h) => h.id)).toEqual(["linked"]);
  });

  it.skipIf(!isRoot)(
    `keeps the last good handlers of a file that becomes refused${ROOT_ONLY}`,
    () => {
      const file = root.write("handlers.d/a.yaml", doc(root, "a"));
      const store = new HandlerStore(root.handlersDir, currentUser());
      expect(store.reload().diagnostics).toEqual([]);
      chmodSync(file, 0o666);
      expect(store.reload().keptLastGood).toEqual([file]);
      expect(
        store
          .current()
          .all()
          .map((h) => h.id),
      ).toEqual(["a"]);
    },
  );

  it("applies none of this when the agent is not root", () => {
    root.write("handlers.d/g.yaml", doc(root, "g"), 0o666);
    chmodSync(root.handlersDir, 0o777);
    const result = loadHandlerDir(root.handlersDir, loadContext({ agentIsRoot: false }));
    expect(printed(root, result)).toEqual([]);
    expect(result.handlers.map((h) => h.id)).toEqual(["g"]);
  });
});
