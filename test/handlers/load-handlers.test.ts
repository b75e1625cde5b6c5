import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inByteOrder, loadHandlerDir } from "../../src/handlers/load-handlers.js";
import { HANDLER_PATH } from "../../src/handlers/program-path.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";
import { doc, loadContext, printed, writeScripts } from "./load-helpers.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot();
  writeScripts(root);
});
afterEach(() => root.cleanup());

const load = (options = {}) => loadHandlerDir(root.handlersDir, loadContext(options));

describe("inByteOrder", () => {
  it("sorts names by their UTF-8 bytes, also past U+FFFF where UTF-16 order differs", () => {
    // U+FF21 is EF BC A1 in UTF-8, U+1F600 is F0 9F 98 80; in UTF-16, D83D DE00 comes before FF21.
    const names = ["\u{1F600}.yaml", "\uFF21.yaml", "é.yaml", "a.yaml", "B.yaml", "10.yaml"];
    const bytes = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(bytes).toEqual([
      "10.yaml",
      "B.yaml",
      "a.yaml",
      "é.yaml",
      "\uFF21.yaml",
      "\u{1F600}.yaml",
    ]);
    expect(inByteOrder([...names])).toEqual(bytes);
    expect(inByteOrder(names.slice(1))).toEqual(bytes.slice(0, 5));
  });
});

describe("loadHandlerDir", () => {
  it("loads *.yaml and *.yml in byte order of their names, ignoring hidden and other files", () => {
    for (const name of ["b.yaml", "B.yaml", "a.yml", "10-x.yaml", "9-y.yaml", "é.yaml", "z.yaml"]) {
      // Explicit ids are ASCII; the default id (the file name) may be anything.
      root.write(
        `handlers.d/${name}`,
        doc(root, `id-${name.replace(/\..*/, "").replace("é", "e")}`),
      );
    }
    root.write("handlers.d/.hidden.yaml", "not: [valid");
    root.write("handlers.d/notes.txt", "not: [valid");
    root.write("handlers.d/crm.yaml~", "not: [valid");
    const result = load();
    expect(printed(root, result)).toEqual([]);
    expect(result.handlers.map((h) => [h.id, h.fileIndex])).toEqual([
      ["id-10-x", 0],
      ["id-9-y", 1],
      ["id-B", 2],
      ["id-a", 3],
      ["id-b", 4],
      ["id-z", 5],
      ["id-e", 6],
    ]);
    expect([...result.files.keys()]).toEqual(
      ["10-x.yaml", "9-y.yaml", "B.yaml", "a.yml", "b.yaml", "z.yaml", "é.yaml"].map((n) =>
        root.path("handlers.d", n),
      ),
    );
    expect(result.handlers[0]?.file).toBe(root.path("handlers.d/10-x.yaml"));
  });

  it("gives default ids from the file name", () => {
    root.write("handlers.d/crm.yaml", `event: client_create\ncommand: ${root.path("bin/ok.sh")}\n`);
    root.write(
      "handlers.d/multi.yml",
      `event: client_create\ncommand: /bin/true\n---\nevent: client_delete\ncommand: /bin/true\n`,
    );
    expect(load().handlers.map((h) => h.id)).toEqual(["crm", "multi#1", "multi#2"]);
  });

  it("refuses an id an earlier file holds: the later file does not load", () => {
    root.write("handlers.d/10-a.yaml", doc(root, "crm-sync"));
    root.write("handlers.d/20-b.yaml", `${doc(root, "other")}---\n${doc(root, "crm-sync")}`);
    const result = load();
    expect(printed(root, result)).toEqual([
      `handlers.d/20-b.yaml:5: error: duplicate handler id "crm-sync": already defined in ${root.path("handlers.d/10-a.yaml")}:1`,
    ]);
    expect(result.handlers.map((h) => h.id)).toEqual(["crm-sync"]);
    expect(result.files.get(root.path("handlers.d/20-b.yaml"))?.status).toBe("failed");
  });

  it("loads no handler from a file with any error, and reports all of them", () => {
    root.write(
      "handlers.d/a.yaml",
      `${doc(root, "good")}---\n${doc(root, "bad", "priority: urgent\n")}`,
    );
    root.write("handlers.d/b.yaml", doc(root, "fine"));
    const result = load();
    expect(printed(root, result)).toEqual([
      'handlers.d/a.yaml:8: error: priority must be 0..100 or lowest|low|normal|high|highest, got "urgent"',
    ]);
    expect(result.handlers.map((h) => h.id)).toEqual(["fine"]);
    const a = result.files.get(root.path("handlers.d/a.yaml"));
    expect(a).toMatchObject({ status: "failed", handlers: [] });
  });

  it("checks that programs exist and are executable, bare names in the handlers' PATH", () => {
    const missing = root.path("bin/missing.sh");
    const plain = root.path("bin/not-executable.sh");
    root.write("handlers.d/a.yaml", `event: client_create\ncommand: ${missing} --now\n`);
    root.write("handlers.d/b.yaml", `event: client_create\ncommand: [${plain}]\n`);
    root.write("handlers.d/c.yaml", "event: client_create\ncommand: no-such-program-evh\n");
    root.write("handlers.d/d.yaml", "event: client_create\ncommand: sh -c 'exit 0'\n");
    root.write("handlers.d/e.yaml", "event: client_create\ncwd: /\ncommand: bin/ok.sh\n");
    root.write("handlers.d/f.yaml", `event: client_create\ncwd: ${root.dir}\ncommand: bin/ok.sh\n`);
    const result = load();
    expect(printed(root, result)).toEqual([
      `handlers.d/a.yaml:2: error: command: program ${missing} does not exist`,
      `handlers.d/b.yaml:2: error: command: program ${plain} is not executable (fix: chmod +x ${plain})`,
      `handlers.d/c.yaml:2: error: command: program "no-such-program-evh" is not found (or not executable) in PATH ${HANDLER_PATH}`,
      "handlers.d/e.yaml:3: error: command: program bin/ok.sh (/bin/ok.sh) does not exist",
    ]);
    expect(result.handlers.map((h) => h.id)).toEqual(["d", "f"]);
  });

  it("refuses unknown users", () => {
    root.write("handlers.d/a.yaml", doc(root, "a", "user: no-such-user-evh\n"));
    expect(printed(root, load())).toEqual([
      'handlers.d/a.yaml:4: error: user "no-such-user-evh" does not exist on this system',
    ]);
  });

  it("passes catalogue warnings through and still loads the file", () => {
    root.write("handlers.d/a.yaml", doc(root, "a").replace("client_create", "client_creat"));
    const result = load({
      knownEvent: (id: string) =>
        id === "client_create" ? { known: true } : { known: false, suggestion: "client_create" },
    });
    expect(printed(root, result)).toEqual([
      'handlers.d/a.yaml:2: warning: event "client_creat" is not in the catalogue of known events (did you mean "client_create"?)',
    ]);
    expect(result.files.get(root.path("handlers.d/a.yaml"))?.status).toBe("loaded");
  });

  it("asks the built-in catalogue by default", () => {
    root.write("handlers.d/a.yaml", doc(root, "a").replace("client_create", "client_creat"));
    expect(printed(root, load())).toEqual([
      'handlers.d/a.yaml:2: warning: event "client_creat" is not in the catalogue of known events (did you mean "client_create"?)',
    ]);
  });

  it("refuses files over the size limit and files that are not UTF-8", () => {
    root.write("handlers.d/big.yaml", `${doc(root, "big")}# ${"x".repeat(200)}\n`);
    root.write(
      "handlers.d/latin1.yaml",
      Buffer.concat([
        Buffer.from(`${doc(root, "l")}# J`),
        Buffer.from([0xf6]),
        Buffer.from("rg\n"),
      ]),
    );
    const result = load({ maxFileBytes: 200 });
    expect(printed(root, result)).toEqual([
      "handlers.d/big.yaml:1: error: file is larger than the limit of 200 bytes for a handler file",
      "handlers.d/latin1.yaml:4: error: the file is not valid UTF-8 (save it as UTF-8)",
    ]);
    expect(result.handlers).toEqual([]);
  });

  it("follows symlinks to regular files, reports dangling ones, ignores directories", () => {
    root.write("elsewhere/crm.yaml", doc(root, "linked"));
    symlinkSync(root.path("elsewhere/crm.yaml"), root.path("handlers.d/a.yaml"));
    symlinkSync(root.path("elsewhere/gone.yaml"), root.path("handlers.d/b.yaml"));
    mkdirSync(root.path("handlers.d/c.yaml"));
    const result = load();
    expect(printed(root, result)).toEqual([
      `handlers.d/b.yaml:1: error: symlink to a missing file (${root.path("elsewhere/gone.yaml")})`,
      "handlers.d/c.yaml:1: warning: not a regular file (a directory), ignored",
    ]);
    expect(result.handlers.map((h) => [h.id, h.file])).toEqual([
      ["linked", root.path("handlers.d/a.yaml")],
    ]);
  });

  it("treats a missing directory as empty, with a warning", () => {
    rmSync(root.handlersDir, { recursive: true });
    const result = load();
    expect(printed(root, result)).toEqual([
      `handlers.d:1: warning: handlers directory ${root.handlersDir} does not exist; no handlers loaded`,
    ]);
    expect(result.handlers).toEqual([]);
  });

  it("reports a handlers path that cannot be listed", () => {
    rmSync(root.handlersDir, { recursive: true });
    writeFileSync(root.handlersDir, "not a directory");
    const [line] = printed(root, load());
    expect(line).toMatch(/^handlers\.d:1: error: cannot list the handlers directory: ENOTDIR: /);
  });
});
