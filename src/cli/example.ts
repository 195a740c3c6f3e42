// The bundled example: simulated weekly sales (examples/weekly_sales.csv,
// made by scripts/make-example.mjs, true parameters beside it).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";

export { EXAMPLE_COLUMNS as EXAMPLE } from "../index.js";

export function examplePath(): string {
  // dist/cli.js sits one level below the package root, src/cli/example.ts two.
  for (const rel of ["../examples/weekly_sales.csv", "../../examples/weekly_sales.csv"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new InputError("the bundled example (examples/weekly_sales.csv) is missing from this installation");
}
