// The map of rooms in src/README.md is the rule: every import between rooms
// runs down the list (or stays in one layer), except the upward imports the
// map names; no file imports itself round a circle.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importGraph } from "./importGraph.js";

const src = join(import.meta.dirname, "../../src");
const readme = readFileSync(join(src, "README.md"), "utf8");

function block(name: string): string[] {
  const m = new RegExp("```" + name + "\\n([\\s\\S]*?)```").exec(readme);
  if (!m) throw new Error(`src/README.md has no \`\`\`${name} block`);
  return m[1].split("\n").filter((l) => l.trim() !== "");
}

/** Room name -> layer index (0 = top), from the rooms block: the words before the description. */
function layers(): Map<string, number> {
  const out = new Map<string, number>();
  block("rooms").forEach((line, i) => {
    for (const room of line.split(/\s{2,}/)[0].trim().split(/\s+/)) out.set(room, i);
  });
  return out;
}

/** src-relative file -> the src-relative files it imports. */
function srcImportGraph(): Map<string, string[]> {
  const graph = importGraph(src);
  for (const [f, targets] of graph) graph.set(f, targets.filter((t) => graph.has(t)));
  return graph;
}

function roomOf(file: string): string {
  if (!file.includes("/")) return file === "errors.ts" ? "errors" : "public";
  return file.split("/")[0];
}

describe("src/README.md's map of rooms", () => {
  const rank = layers();
  const graph = srcImportGraph();

  it("names every room", () => {
    const missing = [...new Set([...graph.keys()].map(roomOf))].filter((r) => !rank.has(r));
    expect(missing).toEqual([]);
  });

  it("every import between rooms runs down the map, but for the upward imports it names (at most 2)", () => {
    const allowed = block("upward").map((l) => l.trim());
    expect(allowed.length).toBeLessThanOrEqual(2);
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      for (const to of targets) {
        if (rank.get(roomOf(to))! < rank.get(roomOf(from))!) upward.push(`${from} -> ${to}`);
      }
    }
    expect([...new Set(upward)].sort()).toEqual([...allowed].sort());
  });

  it("has no import circles", () => {
    // Tarjan's strongly connected components; any with two or more files is a circle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v)!) {
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!index.has(v)) visit(v);
    expect(circles).toEqual([]);
  });
});
