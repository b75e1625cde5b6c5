import { describe, expect, it } from "vitest";
import { decodeOutput, OutputTail } from "../../src/execute/output-tail.js";

describe("OutputTail", () => {
  it("keeps everything under the limit", () => {
    const tail = new OutputTail(10);
    tail.push(Buffer.from("abc"));
    tail.push(Buffer.from("def"));
    expect(tail.bytes().toString()).toBe("abcdef");
    expect(tail.truncated).toBe(false);
  });

  it("keeps only the newest bytes past the limit, whatever the chunk sizes", () => {
    const tail = new OutputTail(5);
    for (const chunk of ["abc", "defghij", "k", "lm"]) tail.push(Buffer.from(chunk));
    expect(tail.bytes().toString()).toBe("ijklm");
    expect(tail.truncated).toBe(true);
    expect(tail.total).toBe(13);
  });
});

describe("decodeOutput", () => {
  it("drops a UTF-8 character cut at the start of a truncated tail", () => {
    const tail = new OutputTail(4);
    tail.push(Buffer.from("xxЖabc")); // Ж is two bytes: the tail starts inside it
    expect(tail.bytes().length).toBe(4);
    expect(decodeOutput(tail, "utf-8", [])).toBe("abc");
  });

  it("decodes with the handler's charset and masks secrets", () => {
    const tail = new OutputTail();
    tail.push(Buffer.from([0xef, 0xe0, 0xf0, 0xee, 0xeb, 0xfc, 0x3a, 0x20])); // "пароль: " in cp1251
    tail.push(Buffer.from("s3cret-value"));
    expect(decodeOutput(tail, "cp1251", ["s3cret-value"])).toBe("пароль: ***");
  });

  it("masks the end of a secret that the tail's start cut in half", () => {
    const tail = new OutputTail(16);
    tail.push(Buffer.from("pw: s3cret-value and more")); // the tail starts inside the secret
    expect(tail.bytes().toString()).toBe("t-value and more");
    expect(decodeOutput(tail, "utf-8", ["s3cret-value"])).toBe("*** and more");
  });

  it("decodes no output as an empty string", () => {
    expect(decodeOutput(new OutputTail(), "utf-8", ["s3cret-value"])).toBe("");
  });

  it("leaves the start of an untruncated output alone, even when it looks like a secret's end", () => {
    const tail = new OutputTail();
    tail.push(Buffer.from("value: ok"));
    expect(decodeOutput(tail, "utf-8", ["s3cret-value"])).toBe("value: ok");
  });
});
