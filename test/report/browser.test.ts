// The report in a real browser: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) opens it from a localhost server it cannot leave,
// with no console errors, no requests beyond the page itself, and every plot
// laid out with a non-zero size. Screenshots go to test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReportHtml } from "../../src/report/index.js";
import { fitExample } from "./fixture.js";

// MMM_CHROMIUM points elsewhere (to check the missing-browser paths, or another build).
const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(process.cwd(), "test-artifacts");
const PLOT_IDS = ["model-fit", "contributions-over-time", "contribution-totals", "roi", "response-curves", "budget", "saturation", "adstock", "prior-posterior", "diagnostics"];

const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";

if (!haveChromium) {
  describe("the HTML report in headless Chromium", () => {
    if (inCi) {
      it("needs Chromium", () => {
        throw new Error(`${CHROMIUM} is missing, so the report cannot be checked in a browser. Install Debian's chromium package (apt-get install -y chromium); .ci/run does this before npm ci.`);
      });
    } else {
      it.skip(`skipped: ${CHROMIUM} is missing (install Debian's chromium package to run it)`, () => {});
    }
  });
} else {
  describe("the HTML report in headless Chromium", () => {
    let server: Server;
    let url: string;
    let profile: string;
    beforeAll(async () => {
      const fit = await fitExample();
      const html = await buildReportHtml(fit, {
        generatedAt: new Date("2025-01-01T00:00:00Z"),
        allocation: {
          channels: fit.channelNames,
          spendBefore: fit.roi().map((r) => r.spend),
          spendAfter: fit.roi().map((r, i) => r.spend * [1.2, 0.9, 0.85][i]),
          kpiBefore: { mean: 7.0e6, "hdi_3%": 6.9e6, "hdi_97%": 7.1e6 },
          kpiAfter: { mean: 7.1e6, "hdi_3%": 7.0e6, "hdi_97%": 7.2e6 },
        },
      });
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(join(ARTIFACTS, "report.html"), html);
      server = createServer((req, res) => {
        if (req.url === "/report.html") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          res.end(readFileSync(join(ARTIFACTS, "report.html")));
        } else {
          res.writeHead(404);
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/report.html`;
      profile = mkdtempSync(join(tmpdir(), "mmm-chromium-"));
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("opens with no console errors and every plot visible; screenshots it", async () => {
      const { chromium } = await import("playwright-core");
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        viewport: { width: 1100, height: 900 },
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const errors: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") errors.push(m.text());
        });
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("request", (r) => requests.push(r.url()));
        const response = await page.goto(url, { waitUntil: "load" });
        expect(response?.status()).toBe(200);
        expect(errors).toEqual([]);
        // Self-contained: the page asks for nothing but itself.
        expect(requests.filter((r) => r !== url)).toEqual([]);
        const ids = await page.$$eval("figure.plot", (els) => els.map((e) => e.id));
        expect(ids.sort()).toEqual(PLOT_IDS.map((id) => `plot-${id}`).sort());
        for (const id of PLOT_IDS) {
          const svg = page.locator(`#plot-${id} svg`);
          const box = await svg.boundingBox();
          expect(box, id).not.toBeNull();
          expect(box!.width, id).toBeGreaterThan(100);
          expect(box!.height, id).toBeGreaterThan(50);
          await page.locator(`#plot-${id}`).screenshot({ path: join(ARTIFACTS, "report", `plot-${id}.png`) });
        }
        await expect(page.locator("#summary li").first()).toBeTruthy();
        const summary = await page.locator("#summary").innerText();
        expect(summary).toMatch(/R² 0\.\d\d/);
        await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });
        expect(existsSync(join(ARTIFACTS, "report.png"))).toBe(true);
      } finally {
        await context.close();
      }
    });
  });
}
