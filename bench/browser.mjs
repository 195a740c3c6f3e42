// The engine in a browser: bundle sizes (raw and gzip) and the time from page
// load to the first draw in headless Chromium (the demo page loads the bundled
// example and fits it with 2 and 4 chains in Web Workers: page and bundle
// load, CSV parse, wasm compile, worker start, one iteration). Writes
// bench/results/browser.json. Needs `npm run build` and /usr/bin/chromium.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DIST, startDemoServer } from "../scripts/demoServer.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

function size(path) {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function add(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip };
}

export function bundleSizes() {
  const dir = join(DIST, "browser");
  const js = readdirSync(dir).filter((f) => f.endsWith(".js"));
  const entry = size(join(dir, "index.js"));
  const worker = size(join(dir, "worker.js"));
  // Everything else is loaded on first use: vega and vega-lite on the first plot, mathjs on the first constraint formula.
  const lazy = js.filter((f) => f !== "index.js" && f !== "worker.js").map((f) => size(join(dir, f))).reduce(add, { raw: 0, gzip: 0 });
  return { entry, worker, lazy, total: add(add(entry, worker), lazy), wasm: size(new URL("../build/mmm.wasm", import.meta.url)) };
}

async function firstDraw(browser, url, chains) {
  const context = await browser.newContext(); // a fresh one per run: nothing cached
  try {
    const page = await context.newPage();
    await page.goto(`${url}?example&chains=${chains}&warmup=0&samples=1&fit`);
    return await page.waitForFunction(() => globalThis.mmmDemo?.firstProgressMs, null, { timeout: 120_000 }).then((h) => h.jsonValue());
  } finally {
    await context.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;

export async function benchBrowser({ quick = false } = {}) {
  if (!existsSync(join(DIST, "demo", "app.js"))) throw new Error("dist/demo is missing: run `npm run build` first");
  const sizes = bundleSizes();
  let timing = null;
  let browserVersion = null;
  if (existsSync(CHROMIUM)) {
    const { chromium } = await import("playwright-core");
    const server = await startDemoServer();
    const profile = mkdtempSync(join(tmpdir(), "mmm-bench-"));
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    try {
      browserVersion = browser.version();
      timing = {};
      for (const chains of [2, 4]) {
        const all = [];
        for (let i = 0; i < (quick ? 2 : 5); i++) all.push(await firstDraw(browser, server.url, chains));
        timing[chains] = { medianMs: median(all), all };
      }
    } finally {
      await browser.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } else {
    console.warn(`${CHROMIUM} is missing: bundle sizes only (install Debian's chromium package for the timings)`);
  }
  const result = { machine: machineInfo(), quick, browser: browserVersion, sizes, firstDrawMs: timing };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/browser.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const row = (what, s) => `| ${what} | ${kb(s.raw)} | ${kb(s.gzip)} |`;
  const md = [
    `Browser build on ${machineLine(result.machine)}${browserVersion ? `, headless Chromium ${browserVersion}` : ""}${quick ? " (quick run)" : ""}.`,
    "",
    "| file (dist/browser/, minified) | raw | gzip |",
    "| --- | --- | --- |",
    row("library entry `index.js` (wasm core inlined)", sizes.entry),
    row("chain worker `worker.js` (gets the compiled core from the page)", sizes.worker),
    row("loaded on first use: vega + vega-lite (plots), mathjs (constraint formulas)", sizes.lazy),
    row("all of it", sizes.total),
    row("the wasm core alone (`build/mmm.wasm`)", sizes.wasm),
    ...(timing
      ? [
          "",
          "| time to first draw in the browser (page load -> first draw of the example; median of fresh pages) | ms |",
          "| --- | --- |",
          ...Object.entries(timing).map(([c, t]) => `| ${c} chains in Web Workers (${t.all.length} runs) | ${t.medianMs.toFixed(0)} |`),
        ]
      : []),
  ].join("\n");
  publish("browser", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchBrowser({ quick: process.argv.includes("--quick") });
}
