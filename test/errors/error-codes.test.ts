import { afterEach, describe, expect, it } from "vitest";
import { EvhError } from "../../src/errors/evh-error.js";
import { compileGlob } from "../../src/handlers/glob.js";
import { Spool } from "../../src/spool/spool.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

let root: TempRoot | undefined;
afterEach(() => root?.cleanup());

/** What a call threw, for assertions on its class and code. */
async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("nothing was thrown");
}

describe("every error evh throws on purpose has a stable code", () => {
  it("a malformed glob: GLOB_SYNTAX", async () => {
    const error = await thrown(() => compileGlob("[a-"));
    expect(error).toBeInstanceOf(EvhError);
    expect(error).toMatchObject({ code: "GLOB_SYNTAX", name: "GlobSyntaxError" });
  });

  it("a spool move the state machine forbids: SPOOL_TRANSITION", async () => {
    root = makeTempRoot();
    const spool = new Spool(root.spoolDir);
    await spool.ensure();
    const error = await thrown(() => spool.move("a.json", "new", "done"));
    expect(error).toBeInstanceOf(EvhError);
    expect(error).toMatchObject({
      code: "SPOOL_TRANSITION",
      message: "spool: no transition new → done",
    });
  });
});
