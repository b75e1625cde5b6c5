import { describe, expect, it } from "vitest";
import type { CatalogueEvent } from "../../src/events/catalogue-types.js";
import { asciiForms, domainToAsciiOrUndefined, isDomainParam } from "../../src/events/idn.js";

const ALIAS_EVENT: CatalogueEvent = {
  id: "domain_alias_create",
  title: "Domain alias created",
  params: [
    {
      name: "DOMAIN_ALIAS_NAME",
      old: false,
      new: true,
      required: true,
      title: "Domain alias name",
      type: "domain",
    },
    { name: "STATUS", old: false, new: true, required: false, title: "Status", type: "string" },
  ],
  subject: "DOMAIN_ALIAS_NAME",
  idStatus: "observed",
  paramsStatus: "observed",
};

describe("isDomainParam", () => {
  it.each([
    ["NEW_DOMAIN_NAME", true],
    ["OLD_DOMAIN_NAME", true],
    ["NEW_SUBDOMAIN_NAME", true],
    ["DOMAIN_NAME", true],
    ["MY_DOMAIN_NAME", true],
    ["NEW_DOMAIN_NAMES", false],
    ["NEW_DOMAIN_ALIAS_NAME", false],
    ["NEW_DOMAIN_GUID", false],
  ])("%s by name alone: %s", (name, expected) => {
    expect(isDomainParam(name)).toBe(expected);
  });

  it("follows the catalogue's domain type for other names, with or without OLD_/NEW_", () => {
    expect(isDomainParam("NEW_DOMAIN_ALIAS_NAME", ALIAS_EVENT)).toBe(true);
    expect(isDomainParam("OLD_DOMAIN_ALIAS_NAME", ALIAS_EVENT)).toBe(true);
    expect(isDomainParam("DOMAIN_ALIAS_NAME", ALIAS_EVENT)).toBe(true);
    expect(isDomainParam("NEW_STATUS", ALIAS_EVENT)).toBe(false);
  });
});

describe("domainToAsciiOrUndefined", () => {
  it.each([
    ["пример.рф", "xn--e1afmkfd.xn--p1ai"],
    ["Example.COM", "example.com"],
    ["faß.de", "xn--fa-hia.de"],
    ["xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"],
    ["例え.テスト", "xn--r8jz45g.xn--zckzah"],
  ])("%s → %s (UTS #46 non-transitional: ß stays ß)", (value, ascii) => {
    expect(domainToAsciiOrUndefined(value)).toBe(ascii);
  });

  it.each(["", "ex ample.com", "user@example.com", "xn--", "a:b"])(
    "%j is not a domain",
    (value) => {
      expect(domainToAsciiOrUndefined(value)).toBeUndefined();
    },
  );
});

describe("asciiForms", () => {
  it("gives <NAME>_ASCII for each domain param", () => {
    const params = {
      NEW_DOMAIN_NAME: "пример.рф",
      OLD_DOMAIN_NAME: "Example.COM",
      NEW_LOGIN_NAME: "jörg",
    };
    const forms = asciiForms(params);
    expect(forms.vars).toEqual({
      NEW_DOMAIN_NAME_ASCII: "xn--e1afmkfd.xn--p1ai",
      OLD_DOMAIN_NAME_ASCII: "example.com",
    });
    expect(Object.getPrototypeOf(forms.vars)).toBeNull();
    expect(forms.invalid).toEqual([]);
  });

  it("lists the domain params with invalid values and gives them no variable", () => {
    const forms = asciiForms({ NEW_DOMAIN_NAME: "not a domain", NEW_SUBDOMAIN_NAME: "www" });
    expect(forms).toEqual({
      vars: { NEW_SUBDOMAIN_NAME_ASCII: "www" },
      invalid: ["NEW_DOMAIN_NAME"],
    });
  });

  it("skips empty values silently", () => {
    expect(asciiForms({ OLD_DOMAIN_NAME: "", NEW_DOMAIN_NAME: "a.com" })).toEqual({
      vars: { NEW_DOMAIN_NAME_ASCII: "a.com" },
      invalid: [],
    });
  });

  it("uses the catalogue's types", () => {
    expect(asciiForms({ NEW_DOMAIN_ALIAS_NAME: "Пример.рф" }, ALIAS_EVENT).vars).toEqual({
      NEW_DOMAIN_ALIAS_NAME_ASCII: "xn--e1afmkfd.xn--p1ai",
    });
    expect(asciiForms({ NEW_DOMAIN_ALIAS_NAME: "Пример.рф" }).vars).toEqual({});
  });

  it("never overwrites a param the producer sent under the same name", () => {
    const params = { NEW_DOMAIN_NAME: "пример.рф", NEW_DOMAIN_NAME_ASCII: "given" };
    expect(asciiForms(params).vars).toEqual({});
  });
});
