// The CLI and the browser demo are clients of the package's public API, as a
// user's program is: the CLI imports src/index.ts (the Node entry), the
// public namespaces it re-exports and the errors; the demo only the browser
// entry. A command needing something internal gets a public export (or the
// code moves into src/cli/), never a deep import.

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importGraph } from "./importGraph.js";

const root = join(import.meta.dirname, "../..");

/** What src/cli/ may import outside itself: the Node entry, the namespaces it re-exports (`sampler`, `diagnostics`, `gpu`), the errors. */
const CLI_MAY_IMPORT = ["src/index.ts", "src/samplerApi.ts", "src/diagnostics/index.ts", "src/gpu/index.ts", "src/errors.ts"];
/** What the browser demo may import outside its folder: the browser entry. */
const DEMO_MAY_IMPORT = ["src/browser.ts"];

/** "file -> import" for each import of a file under `dir` that leaves `dir` for something not allowed. */
function strayImports(dir: string, allowed: string[]): string[] {
  const stray: string[] = [];
  for (const [from, targets] of importGraph(root, join(root, dir))) {
    for (const to of targets) if (!to.startsWith(`${dir}/`) && !allowed.includes(to)) stray.push(`${from} -> ${to}`);
  }
  return stray.sort();
}

describe("the CLI and the browser demo use the public API only", () => {
  it("src/cli/ imports only src/cli/, src/index.ts, its public namespaces and src/errors.ts", () => {
    expect(strayImports("src/cli", CLI_MAY_IMPORT)).toEqual([]);
  });

  it("examples/browser/ imports only src/browser.ts", () => {
    expect(strayImports("examples/browser", DEMO_MAY_IMPORT)).toEqual([]);
  });

  it("reads the imports it judges (the CLI's of src/index.ts, the demo's of src/browser.ts)", () => {
    // Guards the rule against a scanner that finds nothing and so passes.
    const cli = [...importGraph(root, join(root, "src/cli")).values()].flat();
    const demo = [...importGraph(root, join(root, "examples/browser")).values()].flat();
    expect(cli).toContain("src/index.ts");
    expect(demo).toContain("src/browser.ts");
  });
});
