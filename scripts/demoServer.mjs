// A tiny static file server for the browser demo (dist/demo/) and the browser
// bundle it imports (dist/browser/), on localhost only. It sends the headers
// that make the page cross-origin isolated (SharedArrayBuffer, so stopping a
// fit returns the partial chains); `isolated: false` leaves them out.
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
};

export const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

/** Starts the server; port 0 picks a free one. Resolves to its address and a close function. */
export function startDemoServer({ port = 0, host = "127.0.0.1", root = DIST, isolated = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (path === "/" || path === "/demo") {
      res.writeHead(302, { location: "/demo/" });
      res.end();
      return;
    }
    let file = resolve(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      statSync(file);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" };
    if (isolated) {
      headers["cross-origin-opener-policy"] = "same-origin";
      headers["cross-origin-embedder-policy"] = "require-corp";
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolveStart({
        url: `http://${host}:${address.port}/demo/`,
        port: address.port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

// `npm run demo` (after the build): serve and print the address.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  try {
    statSync(join(DIST, "demo", "index.html"));
  } catch {
    console.error("dist/demo/ is missing: run `npm run build` first (`npm run demo` does both)");
    process.exit(1);
  }
  const wanted = Number(process.env.PORT ?? 8080);
  const start = (port) =>
    startDemoServer({ port, host: "localhost" }).catch((e) => {
      if (e.code === "EADDRINUSE" && port !== 0) return start(0);
      throw e;
    });
  const { url } = await start(wanted);
  console.log(`mmm-wasm demo: open ${url} (Ctrl+C to stop)`);
}
