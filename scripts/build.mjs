// Bundles the library, the CLI and the worker entry with esbuild; the wasm
// core is inlined (binary loader) so every bundle is self-contained.
// Browser builds (dist/browser/): the library as ESM with vega, vega-lite and
// mathjs split into chunks loaded on first use, and the Web Worker entry on
// its own; the demo app (dist/demo/) imports the library bundle as it ships.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";

// The browser build's chunks have hashed names: clear the folders so chunks of
// earlier builds do not pile up (and ship in the package).
for (const dir of ["dist/browser", "dist/demo"]) rmSync(dir, { recursive: true, force: true });

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  loader: { ".wasm": "binary" },
  // Maps are written beside the bundles for local debugging but not linked
  // from them: the package leaves them out ("files" in package.json), and a
  // link to a missing map makes downstream bundlers warn.
  sourcemap: "external",
  logLevel: "warning",
};

// Node built-ins are reached only behind runtime checks for Node (worker
// threads, fs); in a browser bundle they become a module whose every export
// (the real module's names, read here) throws when called, so no `node:`
// import is left for downstream bundlers to trip on, and named imports
// resolve (esbuild warned that they "will always be undefined").
const noNodeBuiltins = {
  name: "no-node-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, async (args) => {
      const names = Object.keys(await import(args.path)).filter((n) => n !== "default" && /^[A-Za-z_$][\w$]*$/.test(n));
      const message = JSON.stringify(`${args.path} is not available in a browser`);
      return {
        contents: [
          `const unavailable = () => { throw new Error(${message}); };`,
          "export default unavailable;",
          ...names.map((n) => `export const ${n} = unavailable;`),
        ].join("\n"),
        loader: "js",
      };
    });
  },
};

// The host sends the compiled WebAssembly.Module with the worker's first
// message, so the browser worker bundle leaves the core's bytes out.
const wasmFromHost = {
  name: "wasm-from-host",
  setup(b) {
    b.onLoad({ filter: /\.wasm$/ }, () => ({
      contents: "export default new Uint8Array(0); // the compiled module arrives from the host",
      loader: "js",
    }));
  },
};

const browser = {
  ...common,
  platform: "browser",
  minify: true,
  // csv-parse's default entry uses Node's Buffer; its browser build carries its own.
  alias: { "csv-parse/sync": "csv-parse/browser/esm/sync" },
};

// The demo imports the library bundle by its relative URL, not a copy of it.
const libraryFromBundle = {
  name: "library-from-bundle",
  setup(b) {
    b.onResolve({ filter: /src\/browser\.js$/ }, () => ({ path: "../browser/index.js", external: true }));
  },
};

await Promise.all([
  build({
    ...common,
    platform: "node",
    entryPoints: { index: "src/index.ts", cli: "src/cli/main.ts", worker: "src/services/worker.ts" },
    outdir: "dist",
    packages: "external",
  }),
  build({
    ...browser,
    entryPoints: { index: "src/browser.ts" },
    outdir: "dist/browser",
    splitting: true,
    plugins: [noNodeBuiltins],
  }),
  build({
    ...browser,
    entryPoints: { worker: "src/services/worker.ts" },
    outdir: "dist/browser",
    plugins: [noNodeBuiltins, wasmFromHost],
  }),
  build({
    ...browser,
    entryPoints: { app: "examples/browser/app.ts" },
    outdir: "dist/demo",
    plugins: [libraryFromBundle],
  }),
]);

mkdirSync("dist/demo", { recursive: true });
for (const [from, to] of [
  ["examples/browser/index.html", "dist/demo/index.html"],
  ["examples/browser/style.css", "dist/demo/style.css"],
  ["examples/weekly_sales.csv", "dist/demo/weekly_sales.csv"],
]) {
  copyFileSync(from, to);
}
