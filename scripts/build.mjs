// Bundles the library, the CLI and the worker entry with esbuild; the wasm
// core is inlined (binary loader) so every bundle is self-contained.
import { build } from "esbuild";

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  loader: { ".wasm": "binary" },
  sourcemap: true,
  logLevel: "warning",
};

await Promise.all([
  build({
    ...common,
    platform: "node",
    entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts", worker: "src/services/worker.ts" },
    outdir: "dist",
    packages: "external",
  }),
]);
