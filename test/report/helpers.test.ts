import { describe, expect, it } from "vitest";
import type { FittedMMM } from "../../src/api/fittedMMM.js";
import { formatAmount, formatChange, formatInteger, formatRatio, formatShare } from "../../src/report/format.js";
import { inlineSvg, optimizeForReport, priorInterval, toBudgetAllocation } from "../../src/report/index.js";
import { kde, pooledRanksPerChain } from "../../src/report/stats.js";
import { textWidth, wrapText } from "../../src/report/textMetrics.js";

describe("report helpers", () => {
  it("formats amounts, ratios and shares as a marketer reads them", () => {
    expect(formatAmount(310_470)).toBe("310k");
    expect(formatAmount(100_000)).toBe("100k");
    expect(formatAmount(1_500_000)).toBe("1.5M");
    expect(formatAmount(999_999)).toBe("1M");
    expect(formatAmount(2.5e9)).toBe("2.5B");
    expect(formatAmount(83_334)).toBe("83,334");
    expect(formatAmount(-9_824)).toBe("-9,824");
    expect(formatInteger(1234567.4)).toBe("1,234,567");
    expect(formatRatio(2.0712)).toBe("2.07");
    expect(formatRatio(0.0742)).toBe("0.074");
    expect(formatRatio(1.3e-7)).toBe("0.00");
    expect(formatShare(0.381)).toBe("38.1%");
    expect(formatChange(-0.21)).toBe("-21.0%");
    expect(formatChange(0.115)).toBe("+11.5%");
  });

  it("reads optimizer answers in their usual shapes", () => {
    const snake = toBudgetAllocation({
      channels: ["tv", "search"],
      spend_before: { tv: 100, search: 50 },
      spend_after: { search: 40, tv: 110 },
      kpi_before: { mean: 1000, "hdi_3%": 900, "hdi_97%": 1100 },
      kpi_after: { mean: 1010, "hdi_3%": 910, "hdi_97%": 1110 },
      uplift: { mean: 10, "hdi_3%": -2, "hdi_97%": 20 },
      periods: 13,
      message: "converged",
    });
    expect(snake.spendBefore).toEqual([100, 50]);
    expect(snake.spendAfter).toEqual([110, 40]);
    expect(snake.periods).toBe(13);
    expect(snake.uplift).toEqual({ mean: 10, "hdi_3%": -2, "hdi_97%": 20 });
    const rows = toBudgetAllocation({
      channels: [{ channel: "tv", spendBefore: 1, spendAfter: 2 }],
      kpiBefore: 5,
      kpiAfter: 6,
    });
    expect(rows).toMatchObject({ channels: ["tv"], spendBefore: [1], spendAfter: [2], kpiBefore: 5, kpiAfter: 6 });
    expect(() => toBudgetAllocation({ channels: ["tv"], spendBefore: [1] })).toThrow(/missing spendAfter, kpiBefore, kpiAfter/);
  });

  it("says when the optimizer is missing or fails, and never throws", async () => {
    const missing = await optimizeForReport({ channelNames: ["tv"] } as unknown as FittedMMM, 1000);
    expect(missing.status).toBe("unavailable");
    const failing = { channelNames: ["tv"], optimizeBudget: async () => { throw new Error("budget too large"); } };
    const failed = await optimizeForReport(failing as unknown as FittedMMM, 1000);
    expect(failed).toMatchObject({ status: "failed", message: "budget too large" });
    let seen: unknown;
    const ok = {
      channelNames: ["tv"],
      optimizeBudget: async (o: unknown) => {
        seen = o;
        return { channels: ["tv"], spend_before: { tv: 1 }, spend_after: { tv: 1 }, kpi_before: { mean: 2 }, kpi_after: { mean: 2 } };
      },
    };
    const done = await optimizeForReport(ok as unknown as FittedMMM, 1000, { periods: 4, boundsUpperPct: undefined });
    expect(done.status).toBe("ok");
    expect(seen).toEqual({ budget: 1000, periods: 4 });
  });

  it("makes inline SVG ids unique per plot", () => {
    const svg = '<svg x="1"><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/></g></svg>';
    const out = inlineSvg(svg, "roi", "ROI & more");
    expect(out).toContain('id="roi-clip1"');
    expect(out).toContain('url(#roi-clip1)');
    expect(out).toContain('href="#roi-clip1"');
    expect(out.startsWith('<svg role="img" aria-label="ROI &amp; more" ')).toBe(true);
  });

  it("measures and wraps text at the wider of Helvetica's and DejaVu Sans's widths", () => {
    // i: Helvetica 222, DejaVu 278; M: Helvetica 833, DejaVu 863 (1/1000 em).
    expect(textWidth("iiii", 10)).toBeCloseTo(11.12, 2);
    expect(textWidth("MMMM", 10)).toBeCloseTo(34.52, 2);
    // "%": DejaVu 950 against Helvetica 889.
    expect(textWidth("%", 10)).toBeCloseTo(9.5, 2);
    const lines = wrapText("the quick brown fox jumps over the lazy dog", 100, 12);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(textWidth(l, 12)).toBeLessThanOrEqual(100);
  });

  it("density estimates integrate to about 1; ranks are a permutation; prior intervals are right", () => {
    const values = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 12.9898) * 0.5 + 1);
    const d = kde(values, { points: 200 });
    let area = 0;
    for (let i = 1; i < d.length; i++) area += ((d[i].density + d[i - 1].density) / 2) * (d[i].x - d[i - 1].x);
    expect(area).toBeGreaterThan(0.97);
    expect(area).toBeLessThan(1.01);
    const ranks = pooledRanksPerChain([Float64Array.from([3, 1]), Float64Array.from([2, 2])]);
    expect(ranks.map((r) => Array.from(r))).toEqual([[4, 1], [2.5, 2.5]]);
    const [lo, hi] = priorInterval({ dist: "Gamma", concentration: 1, rate: 1 }, 0.98);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(-Math.log(0.01), 6);
    expect(priorInterval({ dist: "HalfNormal", scale: 2 }, 0.98)[1]).toBeCloseTo(2 * 2.5758293, 5);
  });
});
