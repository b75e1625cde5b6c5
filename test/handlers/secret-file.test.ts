import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, symlinkSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { caFileProblem, loadSecretKey, secretFileProblem } from "../../src/handlers/secret-file.js";
import { isRoot, ROOT_ONLY } from "../helpers/is-root.js";
import { makeTempRoot, type TempRoot } from "../helpers/temp-root.js";

const KEY = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
const uid = process.getuid?.() ?? 0;

describe("a webhook's secret_file", () => {
  let root: TempRoot;
  beforeEach(() => {
    root = makeTempRoot();
  });
  afterEach(() => root.cleanup());

  it("is accepted as a 0600 file of the agent's user holding one whsec_ key", () => {
    const file = root.write("keys/crm", `${KEY}\n`, 0o600);
    expect(secretFileProblem(file, uid)).toBeUndefined();
    expect(loadSecretKey(file, uid)).toEqual({ key: KEY });
  });

  it("is refused at once when it is a FIFO, without waiting for a writer", () => {
    const file = root.path("keys/fifo");
    mkdirSync(root.path("keys"), { recursive: true });
    execFileSync("mkfifo", ["-m", "600", file]);
    expect(secretFileProblem(file, uid)).toBe(
      `secret_file ${file} must be a regular file, not a link or folder`,
    );
  });

  it("is refused when group or others can read it, and the message never shows the key", () => {
    const file = root.write("keys/crm", KEY, 0o640);
    const problem = secretFileProblem(file, uid);
    expect(problem).toBe(
      `secret_file ${file} can be read or written by group or others (mode 0640) (fix: chmod 600 ${file})`,
    );
    expect(problem).not.toContain("whsec_");
  });

  it("is refused when it holds something else than a key", () => {
    const file = root.write("keys/crm", "hunter2\n", 0o600);
    expect(secretFileProblem(file, uid)).toBe(
      `secret_file ${file} must hold one whsec_<base64> key`,
    );
  });

  it("is refused when it is a symlink or missing", () => {
    const target = root.write("keys/real", KEY, 0o600);
    const link = root.path("keys/link");
    symlinkSync(target, link);
    expect(secretFileProblem(link, uid)).toBe(
      `secret_file ${link} must be a regular file, not a link or folder`,
    );
    expect(secretFileProblem(root.path("keys/none"), uid)).toBe(
      `secret_file ${root.path("keys/none")} cannot be read (ENOENT)`,
    );
  });

  it.skipIf(!isRoot)(`is refused when another user owns it${ROOT_ONLY}`, () => {
    const file = root.write("keys/crm", KEY, 0o600);
    chownSync(file, 65534, 65534);
    expect(secretFileProblem(file, 0)).toBe(
      `secret_file ${file} is owned by uid 65534, not root (fix: chown root ${file})`,
    );
  });

  it("ca_file must be a readable PEM file", () => {
    const bad = root.write("ca.pem", "not a cert", 0o644);
    expect(caFileProblem(bad)).toBe(
      `${bad} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  });
});
