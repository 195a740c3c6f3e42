// The package's version for `mmm --version`: read from the package.json of
// this installation (dist/cli.js sits one level below it, src/cli/ two).

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function packageVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (!existsSync(p)) continue;
    try {
      const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "mmm-wasm" && typeof pkg.version === "string") return pkg.version;
    } catch {
      // Not ours or unreadable: keep looking.
    }
  }
  return "unknown";
}
