import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runEvh } from "../helpers/evh-process.js";
import { errorLine, useCliRoots } from "./cli-root.js";

const newRoot = useCliRoots();

describe("evh emit: secrets off the command line (SPEC §2)", () => {
  it("--params - reads NAME=VALUE lines from standard input, beside the ones on the line", async () => {
    const root = newRoot();
    const r = await runEvh(["emit", "client_create", "NEW_LOGIN_NAME=jdoe", "--params", "-"], {
      cwd: root.dir,
      env: { EVH_ROOT: root.dir },
      input: "NEW_CONTACT_NAME=Jörg Müller\r\n\nNEW_PASSWORD=s3cr=et pw\n",
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(r.stdout.trim(), "utf8")).params).toEqual({
      NEW_LOGIN_NAME: "jdoe",
      NEW_CONTACT_NAME: "Jörg Müller",
      NEW_PASSWORD: "s3cr=et pw",
    });
  });

  it("evh test --params - takes them the same way, and shows the secret masked", async () => {
    const root = newRoot();
    const r = await runEvh(
      ["test", "client_create", "NEW_LOGIN_NAME=jdoe", "--params", "-", "--json"],
      {
        cwd: root.dir,
        env: { EVH_ROOT: root.dir },
        input: "NEW_CONTACT_NAME=J. Doe\nNEW_PASSWORD=s3cret-pw\n",
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).event.params).toEqual({
      NEW_LOGIN_NAME: "jdoe",
      NEW_CONTACT_NAME: "J. Doe",
      NEW_PASSWORD: "***",
    });
    const bad = await runEvh(["test", "client_create", "--params", "x"], {
      cwd: root.dir,
      env: { EVH_ROOT: root.dir },
    });
    expect(bad.code).toBe(2);
    expect(errorLine(bad)).toBe(
      'evh: --params takes - (NAME=VALUE lines on standard input), got "x"',
    );
  });

  it("--file - reads the event file from standard input (JSON or YAML)", async () => {
    const root = newRoot();
    const emit = (input: string) =>
      runEvh(["emit", "--file", "-"], { cwd: root.dir, env: { EVH_ROOT: root.dir }, input });
    const json = await emit('{"event":"client_delete","params":{"OLD_LOGIN_NAME":"a"}}');
    expect(json.code).toBe(0);
    expect(json.stdout.trim()).toMatch(/\.json$/);
    const yaml = await emit("event: client_delete\nparams:\n  OLD_LOGIN_NAME: b\n");
    expect(yaml.code).toBe(0);
    expect(yaml.stdout.trim()).toMatch(/\.yaml$/);
    expect(readFileSync(yaml.stdout.trim(), "utf8")).toContain("OLD_LOGIN_NAME: b");
  });
});

describe("evh emit --file reads a regular file only, and at most the limit (SPEC §2)", () => {
  it("refuses a FIFO at once instead of waiting for a writer", async () => {
    const root = newRoot();
    const fifo = root.path("event.json");
    execFileSync("mkfifo", [fifo]);
    const r = await root.evh("emit", "--file", fifo);
    expect(r.code).toBe(2);
    expect(errorLine(r)).toBe(
      `evh: --file ${fifo}: cannot read it: not a regular file: special file`,
    );
  });

  it("refuses a file over the limit by its size, saying by how much", async () => {
    const root = newRoot();
    const big = root.path("big.json");
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x20));
    const r = await root.evh("emit", "--file", big);
    expect(r.code).toBe(2);
    expect(errorLine(r)).toBe(
      `evh: --file ${big}: cannot read it: file is 3 MiB, over the 1 MiB limit`,
    );
  });
});
