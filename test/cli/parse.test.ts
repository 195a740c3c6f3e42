import { describe, expect, it } from "vitest";
import { parseList, parseNumberList } from "../../src/cli/parse.js";

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("no error");
}

describe("a comma-separated list of names (--media, --extra, --by)", () => {
  it("splits on commas and drops the spaces around each name", () => {
    expect(parseList("tv,search", "--media")).toEqual(["tv", "search"]);
    expect(parseList(" tv , search ,social", "--media")).toEqual(["tv", "search", "social"]);
    expect(parseList("TV Spend ($)", "--media")).toEqual(["TV Spend ($)"]);
  });

  it("takes a name with a comma in double quotes, a quote inside one doubled, as a CSV row does", () => {
    expect(parseList('"TV, linear",search', "--media")).toEqual(["TV, linear", "search"]);
    expect(parseList('search, "TV, linear" ,"a ""b"" c"', "--media")).toEqual(["search", "TV, linear", 'a "b" c']);
    expect(parseList('"x"', "--media")).toEqual(["x"]);
    // A quote inside an unquoted name is part of it.
    expect(parseList('5" screens,tv', "--media")).toEqual(['5" screens', "tv"]);
  });

  it("names the option on an empty name, an open quote or text after a closing quote", () => {
    for (const v of ["", " ", "tv,,search", "tv,", ",tv", '"",tv']) expect(messageOf(() => parseList(v, "--media"))).toBe(`--media: empty name in "${v}"`);
    expect(messageOf(() => parseList('tv,"TV, linear', "--media"))).toBe('--media: a quote opened at character 4 of "tv,"TV, linear" is not closed');
    expect(messageOf(() => parseList('"TV" linear,tv', "--extra"))).toBe('--extra: unexpected text after the quoted name "TV" in ""TV" linear,tv"');
  });

  it("reads numbers the same way", () => {
    expect(parseNumberList("1, 2.5,3e3", "--costs")).toEqual([1, 2.5, 3000]);
    expect(messageOf(() => parseNumberList("1,x", "--costs"))).toBe('--costs: "x" is not a number');
  });
});
