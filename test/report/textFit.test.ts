// No clipped or overlapping text in the report, on a machine with the fonts
// the plots name and on one without them: headless Chromium (Debian's
// /usr/bin/chromium) opens the report twice, the second time with a
// fontconfig that offers DejaVu Sans alone (wider than Helvetica, and what
// many Linux machines fall back to), and every text element of every plot
// must lie inside its plot and its card and overlap no other text.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReportHtml } from "../../src/report/index.js";
import { fitExample } from "./fixture.js";

const CHROMIUM = process.env.MMM_CHROMIUM ?? "/usr/bin/chromium";
const DEJAVU = "/usr/share/fonts/truetype/dejavu";
const ARTIFACTS = join(process.cwd(), "test-artifacts", "report-fonts");
const inCi = process.env.CI === "true";
const ready = existsSync(CHROMIUM) && existsSync(DEJAVU);

interface TextProblem {
  plot: string;
  text: string;
  problem: string;
}

/** Runs in the page: every plot's text against its svg, its card, and the other texts of the plot. */
function findTextProblems(): TextProblem[] {
  const problems: TextProblem[] = [];
  const slack = 1;
  for (const svg of Array.from(document.querySelectorAll("figure.plot svg"))) {
    const plot = svg.closest("figure")?.id ?? "?";
    const box = svg.getBoundingClientRect();
    const card = (svg.closest("section") ?? document.body).getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll("text"))
      .filter((t) => t.textContent && t.textContent.trim() !== "" && getComputedStyle(t).opacity !== "0" && t.getAttribute("opacity") !== "0")
      .map((t) => ({ text: t.textContent!.trim(), r: t.getBoundingClientRect() }))
      .filter((t) => t.r.width > 0 && t.r.height > 0);
    for (const t of texts) {
      const out = [t.r.left < box.left - slack && "left", t.r.right > box.right + slack && "right", t.r.top < box.top - slack && "top", t.r.bottom > box.bottom + slack && "bottom"].filter(Boolean);
      if (out.length) problems.push({ plot, text: t.text, problem: `runs past the plot's ${out.join(", ")} edge by ${Math.max(box.left - t.r.left, t.r.right - box.right, box.top - t.r.top, t.r.bottom - box.bottom).toFixed(1)} px` });
      if (t.r.left < card.left || t.r.right > card.right) problems.push({ plot, text: t.text, problem: "runs out of its card" });
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r;
        const b = texts[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        // Glyph boxes include line spacing: a little vertical contact between lines is not an overlap.
        if (w > 2 && h > Math.min(a.height, b.height) * 0.35) problems.push({ plot, text: `${texts[i].text} | ${texts[j].text}`, problem: `overlap ${w.toFixed(0)} x ${h.toFixed(0)} px` });
      }
    }
  }
  return problems;
}

if (!ready) {
  describe("report text in headless Chromium, with and without Helvetica", () => {
    (inCi ? it : it.skip)(`needs ${CHROMIUM} and ${DEJAVU} (Debian's chromium and fonts-dejavu-core)`, () => {
      throw new Error(`${CHROMIUM} or ${DEJAVU} is missing; install Debian's chromium and fonts-dejavu-core`);
    });
  });
} else {
  describe("report text in headless Chromium, with and without Helvetica", () => {
    let dir: string;
    let reportPath: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "mmm-fonts-"));
      const fit = await fitExample();
      reportPath = join(dir, "report.html");
      writeFileSync(reportPath, await buildReportHtml(fit, { generatedAt: new Date("2025-01-01T00:00:00Z") }));
      // A fontconfig that knows DejaVu alone: Helvetica, Arial and Liberation Sans all fall back to DejaVu Sans.
      writeFileSync(
        join(dir, "fonts.conf"),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>${DEJAVU}</dir><cachedir>${join(dir, "fc-cache")}</cachedir></fontconfig>\n`,
      );
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    for (const fonts of ["system", "dejavu-only"] as const) {
      it(`no plot text is clipped or overlaps (${fonts} fonts)`, async () => {
        const { chromium } = await import("playwright-core");
        const profile = mkdtempSync(join(dir, "profile-"));
        const context = await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
          viewport: { width: 1100, height: 900 },
          env: fonts === "dejavu-only" ? { ...process.env, FONTCONFIG_FILE: join(dir, "fonts.conf") } : process.env,
        });
        try {
          const page = context.pages()[0] ?? (await context.newPage());
          await page.goto(`file://${reportPath}`, { waitUntil: "load" });
          const family = await page.$eval("figure.plot svg text", (t) => getComputedStyle(t).fontFamily);
          expect(family).toMatch(/Helvetica/);
          const problems = await page.evaluate(findTextProblems);
          await page.screenshot({ path: join(ARTIFACTS, `report-${fonts}.png`), fullPage: true });
          expect(problems.map((p) => `${p.plot}: "${p.text}" ${p.problem}`)).toEqual([]);
        } finally {
          await context.close();
        }
      });
    }
  });
}
