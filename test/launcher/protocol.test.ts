import { describe, expect, it } from "vitest";
import { OutputTail } from "../../src/execute/output-tail.js";
import { notStarted, type StartRequest } from "../../src/execute/start-request.js";
import {
  fromWireRequest,
  line,
  parseLauncherLine,
  toWireRequest,
  toWireResult,
} from "../../src/launcher/protocol.js";

const request: StartRequest = {
  program: {
    file: "/bin/echo",
    args: ["a b", "ünï", "\u{1F600}"],
    env: { NEW_DOMAIN_NAME: "пример.рф", EMPTY: "" },
    uid: undefined,
    gid: undefined,
  },
  cwd: "/",
  stdin: new Uint8Array([0, 255, 10, 13]),
  timeoutMs: 0,
  killAfterMs: 5000,
  rootLockFile: "/var/lib/evh/root.event_handler.lock",
  runAsUid: 0,
};

describe("launcher protocol", () => {
  it("carries a request across a line unchanged, stdin bytes included", () => {
    const text = line({ t: "run", id: 1, req: toWireRequest(request) });
    expect(text.endsWith("\n")).toBe(true);
    expect(text.slice(0, -1)).not.toContain("\n");
    const back = fromWireRequest(JSON.parse(text).req);
    expect(back).toEqual({ ...request, stdin: Buffer.from(request.stdin as Uint8Array) });
  });

  it("carries an end with its output tails, and a refusal", () => {
    const stdout = new OutputTail(8);
    stdout.push(Buffer.from("0123456789ab"));
    const end = { ...notStarted("ENOENT"), stdout, exitCode: 3 };
    const parsed = parseLauncherLine(
      line({ t: "end", id: 7, result: toWireResult({ kind: "ended", end }) }).trim(),
    );
    if (typeof parsed === "string" || parsed.t !== "end" || parsed.result.kind !== "ended") {
      throw new Error(`not an end: ${JSON.stringify(parsed)}`);
    }
    expect(parsed.id).toBe(7);
    expect(parsed.result.end).toMatchObject({ spawnError: "ENOENT", exitCode: 3, signal: null });
    expect(parsed.result.end.stdout.bytes().toString()).toBe("456789ab");
    expect(parsed.result.end.stdout.total).toBe(12);
    expect(parsed.result.end.stdout.truncated).toBe(true);
    expect(parsed.result.end.stderr.total).toBe(0);

    const refused = parseLauncherLine(
      line({ t: "end", id: 2, result: { kind: "refused", reason: "root lock" } }).trim(),
    );
    expect(refused).toEqual({ t: "end", id: 2, result: { kind: "refused", reason: "root lock" } });
  });

  it("reads started, pong and ready", () => {
    expect(parseLauncherLine('{"t":"started","id":1,"pid":42,"leaderStart":"123"}')).toEqual({
      t: "started",
      id: 1,
      pid: 42,
      leaderStart: "123",
    });
    expect(parseLauncherLine('{"t":"started","id":1,"pid":42,"leaderStart":null}')).toMatchObject({
      leaderStart: undefined,
    });
    expect(parseLauncherLine('{"t":"pong","n":3}')).toEqual({ t: "pong", n: 3 });
    expect(parseLauncherLine('{"t":"ready"}')).toEqual({ t: "ready" });
  });

  it.each([
    ["garbage", /^not JSON: "garbage"$/],
    ["[1,2]", /^not a message/],
    ["null", /^not a message/],
    ['{"t":"hello"}', /^unknown message/],
    ['{"t":"pong","n":-1}', /^bad pong/],
    ['{"t":"started","id":1,"pid":0,"leaderStart":null}', /^bad "started"/],
    ['{"t":"started","id":1.5,"pid":4,"leaderStart":null}', /^bad "started"/],
    ['{"t":"started","id":1,"pid":4,"leaderStart":5}', /^bad "started"/],
    ['{"t":"end","id":1,"result":{"kind":"lost","reason":"x"}}', /^bad "end"/],
    ['{"t":"end","id":1,"result":{"kind":"ended","end":{"exitCode":0}}}', /^bad "end"/],
    ['{"t":"end","id":1,"result":{"kind":"refused"}}', /^bad "end"/],
  ])("refuses %s", (text, why) => {
    expect(parseLauncherLine(text)).toMatch(why);
  });

  it("shortens what it quotes from a long bad line", () => {
    const said = parseLauncherLine("x".repeat(10_000));
    expect(typeof said === "string" && said.length < 120).toBe(true);
  });
});
