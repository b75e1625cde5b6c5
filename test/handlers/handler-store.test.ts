import { rmSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HandlerStore } from "../../src/handlers/handler-store.js";
import { currentUser } from "../../src/system/system-users.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { doc, printed, writeScripts } from "./load-helpers.js";

let root: TempRoot;
let store: HandlerStore;
beforeEach(() => {
  root = makeTempRoot();
  writeScripts(root);
  store = new HandlerStore(root.handlersDir, currentUser(), { agentIsRoot: false });
});
afterEach(() => root.cleanup());

const ids = () =>
  store
    .current()
    .all()
    .map((h) => h.id);
const matched = () =>
  store
    .current()
    .match({ event: "client_create", params: {} })
    .map((m) => m.handler.id);

describe("HandlerStore", () => {
  it("is empty before the first load", () => {
    expect(ids()).toEqual([]);
  });

  it("keeps the last good handlers of a file whose edit breaks it, until it loads again", () => {
    const a = root.write("handlers.d/a.yaml", `${doc(root, "a1")}---\n${doc(root, "a2")}`);
    root.write("handlers.d/b.yaml", doc(root, "b1"));
    expect(store.reload()).toMatchObject({
      keptLastGood: [],
      failed: [],
      removed: [],
      handlers: 3,
    });

    writeFileSync(a, `${doc(root, "a1-new")}---\n${doc(root, "a2", "priority: urgent\n")}`);
    const broken = store.reload();
    expect(broken.keptLastGood).toEqual([a]);
    expect(printed(root, broken)).toEqual([
      'handlers.d/a.yaml:8: error: priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"',
      "handlers.d/a.yaml:1: warning: the file failed to load; the 2 handlers of its last good version stay active until it loads again",
    ]);
    expect(ids()).toEqual(["a1", "a2", "b1"]);
    expect(store.fileStates().get(a)?.status).toBe("retained");

    // Broken twice in a row: still the last good version, not nothing.
    writeFileSync(a, "event: [oops\n");
    expect(store.reload().keptLastGood).toEqual([a]);
    expect(ids()).toEqual(["a1", "a2", "b1"]);

    writeFileSync(a, doc(root, "a1-new"));
    expect(store.reload()).toMatchObject({ keptLastGood: [], diagnostics: [] });
    expect(ids()).toEqual(["a1-new", "b1"]);
  });

  it("drops the handlers of a removed file and leaves the others alone", () => {
    const a = root.write("handlers.d/a.yaml", doc(root, "a1"));
    root.write("handlers.d/b.yaml", doc(root, "b1"));
    store.reload();
    rmSync(a);
    expect(store.reload()).toMatchObject({ removed: [a], handlers: 1 });
    expect(ids()).toEqual(["b1"]);
  });

  it("activates nothing from a file that never loaded", () => {
    const bad = root.write("handlers.d/bad.yaml", "event: client_create\n");
    expect(store.reload()).toMatchObject({ failed: [bad], keptLastGood: [], handlers: 0 });
    expect(store.fileStates().get(bad)?.status).toBe("failed");
  });

  it("gives an event the set current when it was claimed, whatever reloads follow", () => {
    const a = root.write("handlers.d/a.yaml", doc(root, "old"));
    store.reload();
    const claimed = store.current();
    writeFileSync(a, doc(root, "new"));
    store.reload();
    expect(claimed.all().map((h) => h.id)).toEqual(["old"]);
    expect(ids()).toEqual(["new"]);
  });

  it("keeps a retained file in its place in the run order when files are added before it", () => {
    const b = root.write("handlers.d/b.yaml", doc(root, "b"));
    store.reload();
    writeFileSync(b, "event: [oops\n");
    root.write("handlers.d/a.yaml", doc(root, "a"));
    root.write("handlers.d/c.yaml", doc(root, "c"));
    store.reload();
    expect(matched()).toEqual(["a", "b", "c"]);
    expect(store.current().get("b")?.fileIndex).toBe(1);
  });

  it("refuses a new file that takes a loaded handler's id, whatever the name order", () => {
    const b = root.write("handlers.d/b.yaml", doc(root, "shared"));
    store.reload();
    const a = root.write("handlers.d/a.yaml", doc(root, "shared"));
    const report = store.reload();
    expect(store.current().get("shared")?.file).toBe(b);
    expect(report.failed).toEqual([a]);
    expect(printed(root, report)).toEqual([
      `handlers.d/a.yaml:1: error: duplicate handler id "shared": already defined in ${b}:1`,
    ]);
    // After a restart nothing is held: the earlier name owns the id, and says so.
    const fresh = new HandlerStore(root.handlersDir, currentUser(), { agentIsRoot: false });
    expect(fresh.reload().failed).toEqual([b]);
    expect(fresh.current().get("shared")?.file).toBe(a);
  });

  it("keeps a broken file's handlers when an earlier file takes their id since", () => {
    const b = root.write("handlers.d/b.yaml", doc(root, "shared"));
    store.reload();
    writeFileSync(b, "event: [oops\n");
    const a = root.write("handlers.d/a.yaml", doc(root, "shared"));
    const report = store.reload();
    expect(ids()).toEqual(["shared"]);
    expect(store.current().get("shared")?.file).toBe(b);
    expect(report.keptLastGood).toEqual([b]);
    expect(report.failed).toEqual([a]);
  });

  it("keeps every file's handlers when the directory cannot be listed", () => {
    const a = root.write("handlers.d/a.yaml", doc(root, "a"));
    store.reload();
    rmSync(root.handlersDir, { recursive: true });
    writeFileSync(root.handlersDir, "not a directory");
    const report = store.reload();
    expect(report.keptLastGood).toEqual([a]);
    expect(ids()).toEqual(["a"]);
  });
});
