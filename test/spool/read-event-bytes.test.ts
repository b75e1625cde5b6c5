import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { readEventBytes } from "../../src/spool/read-event-bytes.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

describe("readEventBytes", () => {
  let root: TempRoot | undefined;
  afterEach(() => root?.cleanup());

  it("says by how much a file is over the limit, in bytes when rounding would hide it", async () => {
    root = makeTempRoot();
    const file = root.path("x.json");
    writeFileSync(file, Buffer.alloc(1024 * 1024 + 1, 0x20));
    await expect(readEventBytes(file, 1024 * 1024)).rejects.toMatchObject({
      reason: "file is 1048577 bytes, over the 1048576-byte limit",
    });
  });
});
