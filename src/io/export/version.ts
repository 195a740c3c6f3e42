// The package's version, for the files and messages that record which
// engine wrote them. package.json sits above dist/ (the bundle) or three
// levels above this file (sources, as the tests run them).

import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const rel of ["../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "mmm-wasm" && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return "unknown";
}

export const ENGINE_VERSION = readVersion();
