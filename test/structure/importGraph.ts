// The relative imports of TypeScript files, resolved to files: what the
// structure tests read (static imports and re-exports, and dynamic import()).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

export function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith(".ts") && !p.endsWith(".d.ts") ? [p] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/**
 * Each file under `root` (relative to `base`) -> the files it imports,
 * relative to `base`; an import that resolves to no file is kept as written
 * (resolved against the importing file), so a rule can still refuse it.
 */
export function importGraph(base: string, root: string = base): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const f = relative(base, file);
    const targets: string[] = [];
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const t = normalize(join(dirname(f), m[1] ?? m[2]));
      const candidates = [t.replace(/\.js$/, ".ts"), `${t}.ts`, join(t, "index.ts")];
      targets.push(candidates.find((c) => existsFile(join(base, c))) ?? t);
    }
    graph.set(f, targets);
  }
  return graph;
}

function existsFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
