// The README is a short front door and every link in it and in docs/ points
// at a file the repository holds; every benchmark section has one home,
// where bench/report.mjs fills it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const pages = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Relative link targets of a markdown page: [text](target) and src="target", without #anchors. */
function relativeLinks(text: string): string[] {
  const out: string[] = [];
  const withoutCode = text.replace(/```[\s\S]*?```/g, "");
  for (const m of withoutCode.matchAll(/\]\(([^)\s]+)\)|\bsrc="([^"]+)"/g)) {
    const target = (m[1] ?? m[2]).split("#")[0];
    if (target === "" || /^[a-z]+:/i.test(target)) continue;
    out.push(target);
  }
  return out;
}

describe("README and docs/", () => {
  it("the README stays a front door: under 200 lines", () => {
    expect(readFileSync(join(root, "README.md"), "utf8").split("\n").length).toBeLessThan(200);
  });

  for (const page of pages) {
    it(`${page}: every relative link resolves to a file or folder of the repository`, () => {
      const text = readFileSync(join(root, page), "utf8");
      const missing = relativeLinks(text).filter((t) => !existsSync(normalize(join(root, dirname(page), decodeURIComponent(t)))));
      expect(missing).toEqual([]);
    });
  }

  it("each benchmark section has exactly one home, with matching start and end markers", () => {
    const homes = new Map<string, string[]>();
    for (const page of pages) {
      const text = readFileSync(join(root, page), "utf8");
      for (const m of text.matchAll(/<!-- bench:([\w-]+):start -->/g)) {
        expect(text, `${page} ${m[1]}`).toContain(`<!-- bench:${m[1]}:end -->`);
        homes.set(m[1], [...(homes.get(m[1]) ?? []), page]);
      }
    }
    for (const [key, where] of homes) expect(where, key).toHaveLength(1);
    expect([...homes.keys()].sort()).toEqual(["browser", "chains", "convergence", "convergence-summary", "fits", "geo-fits", "gpu", "lift-term", "lockstep", "lockstep-summary", "logp", "many", "optimizer", "sampler", "scaling", "serve", "stan", "startup", "example-fit"].sort());
  });
});
