import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkProgram, HANDLER_PATH, resolveProgram } from "../../src/handlers/program-path.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot;
beforeEach(() => {
  root = makeTempRoot();
  root.write("bin/run.sh", "#!/bin/sh\nexit 0\n", 0o755);
  root.write("bin/plain.sh", "#!/bin/sh\nexit 0\n", 0o644);
});
afterEach(() => root.cleanup());

describe("resolveProgram", () => {
  it("searches bare names in the handlers' PATH of SPEC §4", () => {
    expect(HANDLER_PATH).toBe("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    expect(resolveProgram("sh")).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(resolveProgram("no-such-program-evh")).toBeUndefined();
  });

  it("takes paths as they are, relative ones from the working directory", () => {
    expect(resolveProgram(root.path("bin/run.sh"))).toBe(root.path("bin/run.sh"));
    expect(resolveProgram("./bin/run.sh", root.dir)).toBe(root.path("bin/run.sh"));
    expect(resolveProgram("bin/run.sh", root.dir)).toBe(root.path("bin/run.sh"));
    expect(resolveProgram(root.path("bin/plain.sh"))).toBeUndefined();
    expect(resolveProgram(root.path("bin"))).toBeUndefined();
    expect(resolveProgram("")).toBeUndefined();
  });
});

describe("checkProgram", () => {
  it("accepts an executable regular file", () => {
    expect(checkProgram(root.path("bin/run.sh"))).toBeUndefined();
    expect(checkProgram("sh")).toBeUndefined();
  });

  it("says what is wrong and how to fix it", () => {
    const missing = root.path("bin/missing.sh");
    const plain = root.path("bin/plain.sh");
    expect(checkProgram(missing)).toBe(`program ${missing} does not exist`);
    expect(checkProgram(root.path("bin"))).toBe(
      `program ${root.path("bin")} is not a regular file`,
    );
    expect(checkProgram(plain)).toBe(`program ${plain} is not executable (fix: chmod +x ${plain})`);
    expect(checkProgram("./bin/nope", root.dir)).toBe(
      `program ./bin/nope (${root.path("bin/nope")}) does not exist`,
    );
    expect(checkProgram("no-such-program-evh")).toBe(
      `program "no-such-program-evh" is not found (or not executable) in PATH ${HANDLER_PATH}`,
    );
  });
});
