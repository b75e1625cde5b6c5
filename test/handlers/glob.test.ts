import { describe, expect, it } from "vitest";
import { GlobSyntaxError } from "../../src/errors/evh-error.js";
import { compileGlob, isLiteral } from "../../src/handlers/glob.js";

const matches = (pattern: string, value: string) => compileGlob(pattern)(value);

describe("compileGlob", () => {
  it.each([
    ["*", "a/b"],
    ["*", ".hidden"],
    ["*", ""],
    ["*", "a/../b"],
    ["*", ".."],
    ["*", "line\nbreak"],
    ["domain_*", "domain_create"],
    ["domain_*", "domain_"],
    ["*.example.com", "www.example.com"],
    ["*.example.com", "a/b.example.com"],
    ["*@example.com", "jörg@example.com"],
    ["a*b*c", "a/x/b/y/c"],
    ["?", "/"],
    ["?", "ö"],
    ["?", "😀"],
    ["client_?reate", "client_create"],
    ["[abc]", "b"],
    ["[!abc]", "d"],
    ["[^abc]", "/"],
    ["[a-c]x", "bx"],
    ["[]a]", "]"],
    ["[!]a]", "b"],
    ["[a-]", "-"],
    ["[[:digit:]][[:upper:]]", "7Q"],
    ["[[:alpha:]]", "ж"],
    ["a\\*b", "a*b"],
    ["a\\?", "a?"],
    ["\\[x]", "[x]"],
    ["(a|b)", "(a|b)"],
    ["{a,b}", "{a,b}"],
    ["!a", "!a"],
    ["+(a)", "+(a)"],
    ["./x", "./x"],
    ["a.b", "a.b"],
    ["$^", "$^"],
    ["a]", "a]"],
  ])("%j matches %j", (pattern, value) => {
    expect(matches(pattern, value)).toBe(true);
  });

  it.each([
    ["domain_*", "client_create"],
    ["domain_*", "xdomain_create"],
    ["*.example.com", "example.com"],
    ["*.example.com", "www.example.com.evil"],
    ["Domain_*", "domain_create"],
    ["?", ""],
    ["?", "ab"],
    ["[abc]", "d"],
    ["[!abc]", "a"],
    ["[a-c]", "-"],
    ["a\\*b", "axb"],
    ["(a|b)", "a"],
    ["{a,b}", "a"],
    ["!a", "b"],
    ["./x", "x"],
    ["a.b", "axb"],
    ["a", "a/"],
    ["a", "A"],
  ])("%j does not match %j", (pattern, value) => {
    expect(matches(pattern, value)).toBe(false);
  });

  it.each([
    ["", "empty pattern"],
    ["domain_[", '"[" at position 8 is never closed by "]"'],
    ["[]", '"[" at position 1 is never closed by "]"'],
    ["[!]", '"[" at position 1 is never closed by "]"'],
    ["a\\", "ends with a lone backslash"],
    ["[a\\", "ends with a lone backslash"],
    ["[z-a]", 'reversed range "z-a" in [...]'],
    ["[[:nope:]]", 'unknown character class "[:nope:]"'],
    ["[[:alpha]", 'unknown character class "[:...:]"'],
  ])("%j is malformed: %s", (pattern, message) => {
    expect(() => compileGlob(pattern)).toThrow(new GlobSyntaxError(message));
  });

  it("does not backtrack exponentially (a regular expression would not finish this)", () => {
    expect(matches("*a*a*a*a*a*a*a*a*a*a*b", "a".repeat(5000))).toBe(false);
    expect(matches("*a*a*a*a*a*a*a*a*a*a*b", `${"a".repeat(5000)}b`)).toBe(true);
    expect(matches("a***b", "ab")).toBe(true);
  });
});

describe("isLiteral", () => {
  it("is true only without wildcards, classes and escapes", () => {
    expect(isLiteral("client_create")).toBe(true);
    expect(isLiteral("a.b(c)|{d}")).toBe(true);
    for (const p of ["a*", "a?", "[a]", "a\\b"]) expect(isLiteral(p)).toBe(false);
  });
});
