// The browser demo in real headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) against the demo server on a free localhost
// port: load the bundled example, fit it with 2 chains in Web Workers, see the
// plots, move the budget slider; no console errors, no request leaves the
// server, and the draws equal those of the Node API for the same seed, bit for
// bit. A screenshot goes to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoServer, DIST, type DemoServer } from "../../scripts/demoServer.mjs";
import { fitMMM } from "../../src/api/fitMMM.js";
import { parseCsv } from "../../src/io/csv.js";
import { datasetFromTable } from "../../src/io/datasetTable.js";
import { EXAMPLE_COLUMNS } from "../../src/model/example.js";

// MMM_CHROMIUM points elsewhere (to check the missing-browser path, or another build).
const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const PLOT_IDS = ["model-fit", "contributions-over-time", "contribution-totals", "roi", "response-curves", "saturation", "adstock", "prior-posterior", "diagnostics"];
// Small, so the test is quick; the comparison with Node does not need a converged fit.
const SETTINGS = { chains: 2, warmup: 60, samples: 40, seed: 7, targetAccept: 0.85 };

const haveChromium = existsSync(CHROMIUM);

async function launch(profile: string): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1100, height: 900 },
  });
}

/** Console errors, page errors, and requests to anywhere but the server. */
function watch(page: Page, origin: string) {
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("data:")) foreign.push(r.url());
  });
  return { errors, foreign };
}

async function fill(page: Page, values: Record<string, number | string>) {
  for (const [id, v] of Object.entries(values)) await page.fill(`#${id}`, String(v));
}

const counter = (page: Page, name: "fits" | "plotsRendered" | "optimizations") =>
  page.evaluate((n) => (globalThis as unknown as { mmmDemo: Record<string, number> }).mmmDemo[n], name);

if (!haveChromium) {
  describe("the browser demo in headless Chromium", () => {
    if (process.env.CI === "true") {
      it("needs Chromium", () => {
        throw new Error(`${CHROMIUM} is missing, so the demo cannot be checked in a browser. Install Debian's chromium package (apt-get install -y chromium); .ci/run does this before npm ci.`);
      });
    } else {
      it.skip(`skipped: ${CHROMIUM} is missing (install Debian's chromium package to run it)`, () => {});
    }
  });
} else {
  describe("the browser demo in headless Chromium", () => {
    let server: DemoServer;
    let profile: string;
    let context: BrowserContext;

    beforeAll(async () => {
      if (!existsSync(join(DIST, "demo", "app.js")) || !existsSync(join(DIST, "browser", "worker.js"))) {
        throw new Error("dist/demo or dist/browser is missing: run `npm run build` first (npm test does)");
      }
      server = await startDemoServer();
      profile = mkdtempSync(join(tmpdir(), "mmm-chromium-"));
      context = await launch(profile);
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(async () => {
      await context?.close();
      await server?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("fits the bundled example in 2 Web Workers with Node's draws, shows the plots and runs the optimizer", async () => {
      const page = await context.newPage();
      const seen = watch(page, new URL(server.url).origin);
      const response = await page.goto(server.url, { waitUntil: "load" });
      expect(response?.status()).toBe(200);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

      await page.click("#load-example");
      await page.waitForSelector("#mapping:not([hidden])");
      expect(await page.locator("#data-info").innerText()).toMatch(/weekly_sales\.csv: 156 rows/);
      expect(await page.$$eval("#media input:checked", (els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(EXAMPLE_COLUMNS.media);
      await fill(page, { chains: SETTINGS.chains, warmup: SETTINGS.warmup, samples: SETTINGS.samples, seed: SETTINGS.seed, "target-accept": SETTINGS.targetAccept });
      await page.click("#fit");

      // Per-chain progress, then the results, every plot, and the optimizer's first answer.
      await page.waitForFunction(() => (globalThis as unknown as { mmmDemo: { optimizations: number } }).mmmDemo.optimizations > 0, null, { timeout: 120_000 });
      expect(await page.locator("#error").isHidden()).toBe(true);
      expect(await page.locator("#progress .chain").count()).toBe(2);
      for (const text of await page.locator("#progress .chain .hint").allInnerTexts()) expect(text).toMatch(/^sampling 100\/100, \d+ divergent$/);
      expect(await page.locator("#diagnostics").innerText()).toMatch(/^2 chains x 40 draws in /);
      expect(await page.locator("#summary tbody tr").count()).toBeGreaterThan(20);
      expect(await counter(page, "plotsRendered")).toBe(PLOT_IDS.length);
      for (const id of PLOT_IDS) {
        const box = await page.locator(`#plot-${id} svg`).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, id).toBeGreaterThan(100);
        expect(box!.height, id).toBeGreaterThan(50);
      }
      expect(await page.locator("#budget-plot svg").count()).toBe(1);
      expect(await page.locator("#budget-table tbody tr").count()).toBe(EXAMPLE_COLUMNS.media.length);

      // The same fit with the Node API (worker_threads): the same draws, bit for bit.
      const fromPage = await page.evaluate(() => {
        const fit = (globalThis as unknown as { mmmDemo: { fit: { record: { chains: { draws: Float64Array; stepSize: number }[] } } } }).mmmDemo.fit;
        return fit.record.chains.map((c) => ({ draws: Array.from(c.draws), stepSize: c.stepSize }));
      });
      const table = parseCsv(readFileSync("examples/weekly_sales.csv", "utf8"), "weekly_sales.csv");
      const dataset = datasetFromTable(table, { target: EXAMPLE_COLUMNS.target, media: EXAMPLE_COLUMNS.media, extra: EXAMPLE_COLUMNS.extra, date: EXAMPLE_COLUMNS.date });
      const node = await fitMMM(dataset, { model: "hill_adstock", degreesSeasonality: 2, sampler: SETTINGS });
      const fromNode = node.record.chains.map((c) => ({ draws: Array.from(c.draws), stepSize: c.stepSize }));
      expect(fromPage).toHaveLength(2);
      expect(fromPage[0].draws.length).toBeGreaterThan(0);
      expect(fromPage[0].draws.length % SETTINGS.samples).toBe(0);
      expect(fromPage).toEqual(fromNode);

      // Moving the budget slider to its lowest value re-runs the optimizer at that budget.
      const before = await counter(page, "optimizations");
      const lowest = await page.$eval("#budget", (e) => Number((e as HTMLInputElement).min));
      await page.$eval("#budget", (e) => {
        const slider = e as HTMLInputElement;
        slider.value = slider.min;
        slider.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await page.waitForFunction((n) => (globalThis as unknown as { mmmDemo: { optimizations: number } }).mmmDemo.optimizations > n, before, { timeout: 60_000 });
      const budget = await page.evaluate(() => (globalThis as unknown as { mmmDemo: { lastOptimization: { budget: number; spend_after: Record<string, number> } } }).mmmDemo.lastOptimization);
      expect(budget.budget).toBeCloseTo(lowest, 6);
      expect(Object.values(budget.spend_after).reduce((a, b) => a + b, 0)).toBeCloseTo(lowest, 3);
      expect(await page.locator("#optimizer-status").innerText()).toMatch(/^sales over 13 weeks: /);

      // The fit's files, downloaded as `mmm fit` writes them.
      const fetchDownload = async (id: string) => {
        const [download] = await Promise.all([page.waitForEvent("download"), page.click(`#${id}`)]);
        const path = await download.path();
        return { name: download.suggestedFilename(), bytes: readFileSync(path!) };
      };
      const summaryCsv = await fetchDownload("download-summary");
      expect(summaryCsv.name).toBe("summary.csv");
      expect(summaryCsv.bytes.toString("utf8")).toMatch(/^,about,mean,sd,/);
      expect(summaryCsv.bytes.toString("utf8")).toMatch(/\ncoef_media\[0\],tv,/);
      const model = await fetchDownload("download-model");
      expect(model.bytes.subarray(0, 6).toString("latin1")).toBe("MMMFIT");
      const report = await fetchDownload("download-report");
      expect(report.bytes.toString("utf8")).toMatch(/^<!doctype html>/i);
      expect((await fetchDownload("download-contributions")).bytes.toString("utf8")).toMatch(/^period,date,actual,prediction/);
      expect((await fetchDownload("download-roi")).bytes.toString("utf8")).toMatch(/^channel,spend,roi,/);

      await page.screenshot({ path: join(ARTIFACTS, "browser-demo.png"), fullPage: true });
      expect(seen.errors).toEqual([]);
      expect(seen.foreign).toEqual([]);
      await page.close();
    });

    it("offers only numeric columns other than the target and date as media, pre-selects likely media, and clears an error once fixed", async () => {
      const page = await context.newPage();
      const seen = watch(page, new URL(server.url).origin);
      await page.goto(server.url, { waitUntil: "load" });
      const rows = ["week,revenue,tv_spend,search_cost,price,promo,notes"];
      for (let i = 0; i < 60; i++) rows.push(`${new Date(Date.UTC(2023, 0, 2 + 7 * i)).toISOString().slice(0, 10)},${1000 + i},${10 + i},${5 + (i % 7)},${1 + (i % 3) / 10},${i % 2},note ${i}`);
      await page.setInputFiles("#file", { name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n") + "\n") });
      await page.waitForSelector("#mapping:not([hidden])");
      expect(await page.$eval("#target", (e) => (e as HTMLSelectElement).value)).toBe("revenue");
      expect(await page.$eval("#date", (e) => (e as HTMLSelectElement).value)).toBe("week");
      const offered = (id: string) => page.$$eval(`#${id} input`, (els) => els.map((e) => (e as HTMLInputElement).value));
      expect(await offered("media")).toEqual(["tv_spend", "search_cost", "price", "promo"]);
      expect(await page.$$eval("#media input:checked", (els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(["tv_spend", "search_cost"]);
      // Ticking price as a control takes it off the media list.
      await page.check("#extra input[value=price]");
      expect(await offered("media")).toEqual(["tv_spend", "search_cost", "promo"]);
      // Choosing tv_spend as the target takes it off both lists.
      await page.selectOption("#target", "tv_spend");
      expect(await offered("media")).toEqual(["revenue", "search_cost", "promo"]);
      await page.selectOption("#target", "revenue");
      await fill(page, { chains: 0 });
      await page.click("#fit");
      expect(await page.locator("#error").isVisible()).toBe(true);
      await fill(page, { chains: 2 });
      expect(await page.locator("#error").isHidden()).toBe(true);
      expect(seen.errors).toEqual([]);
      await page.close();
    });

    it("words bad settings as the CLI does", async () => {
      const page = await context.newPage();
      const seen = watch(page, new URL(server.url).origin);
      await page.goto(server.url, { waitUntil: "load" });
      await page.click("#load-example");
      await fill(page, { chains: 0 });
      await page.click("#fit");
      expect(await page.locator("#error").innerText()).toBe('error: --chains: expected an integer >= 1, got "0"');
      await fill(page, { chains: 2, costs: "1,2" });
      await page.click("#fit");
      expect(await page.locator("#error").innerText()).toBe("error: --costs: 2 values for 5 media columns");
      expect(seen.errors).toEqual([]);
      await page.close();
    });

    it("Stop during warm-up says so; Stop during sampling shows the results of the draws so far", async () => {
      const page = await context.newPage();
      const seen = watch(page, new URL(server.url).origin);
      await page.goto(server.url, { waitUntil: "load" });
      await page.click("#load-example");
      // Warm-up: stopped at the first progress report of a long warm-up.
      await fill(page, { chains: 2, warmup: 20000, samples: 100 });
      await page.click("#fit");
      await page.waitForFunction(() => [...document.querySelectorAll("#progress .chain .hint")].some((e) => /^warm-up /.test(e.textContent ?? "")), null, { timeout: 60_000 });
      await page.click("#cancel");
      await page.waitForSelector("#error:not([hidden])", { timeout: 30_000 });
      expect(await page.locator("#error").innerText()).toMatch(/^stopped: stopped during warm-up \(at most \d+ of 20000 warm-up iterations done\)/);
      expect(await page.locator("#fit").isEnabled()).toBe(true);
      // Sampling: stopped a few hundred draws in; the results show, with the warning.
      await fill(page, { chains: 2, warmup: 100, samples: 50000 });
      await page.click("#fit");
      await page.waitForFunction(
        () => [...document.querySelectorAll("#progress .chain .hint")].every((e) => Number(/^sampling (\d+)\//.exec(e.textContent ?? "")?.[1] ?? 0) >= 600),
        null,
        { timeout: 120_000 },
      );
      await page.click("#cancel");
      await page.waitForFunction(() => (globalThis as unknown as { mmmDemo: { fits: number } }).mmmDemo.fits > 0, null, { timeout: 60_000 });
      expect(await page.locator("#error").isHidden()).toBe(true);
      expect(await page.locator("#fit-warnings").innerText()).toMatch(/stopped during sampling: kept 2 chains x \d+ draws \(of 2 x 50000 asked for\)/);
      expect(await page.locator("#summary tbody tr").count()).toBeGreaterThan(20);
      expect(seen.errors).toEqual([]);
      await page.close();
    });

    it("stops a fit in a page without cross-origin isolation (no SharedArrayBuffer)", async () => {
      const plain = await startDemoServer({ isolated: false });
      const page = await context.newPage();
      try {
        const seen = watch(page, new URL(plain.url).origin);
        await page.goto(plain.url, { waitUntil: "load" });
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        await page.click("#load-example");
        await fill(page, { chains: 2, warmup: 100, samples: 5000 });
        await page.click("#fit");
        await page.waitForFunction(() => (globalThis as unknown as { mmmDemo: { firstProgressMs?: number } }).mmmDemo.firstProgressMs !== undefined, null, { timeout: 60_000 });
        await page.click("#cancel");
        await page.waitForSelector("#error:not([hidden])", { timeout: 30_000 });
        expect(await page.locator("#error").innerText()).toBe("stopped: the fit was cancelled.");
        expect(await page.locator("#fit").isEnabled()).toBe(true);
        expect(await counter(page, "fits")).toBe(0);
        expect(seen.errors).toEqual([]);
      } finally {
        await page.close();
        await plain.close();
      }
    });
  });
}
