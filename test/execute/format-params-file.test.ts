import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { formatParamsFile } from "../../src/execute/format-params-file.js";

describe("formatParamsFile", () => {
  it("writes one NAME=value line per param, in the event's order", () => {
    const out = formatParamsFile({ NEW_LOGIN_NAME: "jm", OLD_LOGIN_NAME: "a=b c" }, "utf-8");
    expect(out.toString("utf8")).toBe("NEW_LOGIN_NAME=jm\nOLD_LOGIN_NAME=a=b c\n");
  });

  it("escapes backslash, newline and carriage return so each param is one line", () => {
    const out = formatParamsFile({ A: "one\ntwo", B: "c:\\new", C: "cr\rlf", D: "\\n" }, "utf-8");
    expect(out.toString("utf8")).toBe("A=one\\ntwo\nB=c:\\\\new\nC=cr\\rlf\nD=\\\\n\n");
  });

  it("encodes in the handler's charset", () => {
    const out = formatParamsFile({ NEW_CONTACT_NAME: "Иван" }, "cp1251");
    expect(out).toEqual(
      Buffer.concat([
        Buffer.from("NEW_CONTACT_NAME="),
        Buffer.from([0xc8, 0xe2, 0xe0, 0xed, 0x0a]),
      ]),
    );
    expect(iconv.decode(out, "cp1251")).toBe("NEW_CONTACT_NAME=Иван\n");
  });

  it("is empty for an event without params", () => {
    expect(formatParamsFile({}, "utf-8").length).toBe(0);
  });
});
