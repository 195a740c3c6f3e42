// The seasonal period and carryover window follow the spacing of the data's
// dates where the user leaves them out (model/cadence.ts): a year of periods
// (365 daily, 52 weekly, 12 monthly) and 13 weeks of daily lags, in fits
// national and geo and in log-prob alike.
import { describe, expect, it } from "vitest";
import { fitMMM } from "../../src/api/fitMMM.js";
import { logProb } from "../../src/api/logProb.js";
import { withCadenceDefaults } from "../../src/fit/config.js";
import { periodWords, type ReportFit } from "../../src/report/data.js";
import { parseCsv } from "../../src/io/csv.js";
import { datasetFromTable, geoDatasetFromTable } from "../../src/io/datasetTable.js";
import { defaultCarryoverLags, periodUnit, periodsPerYear } from "../../src/model/cadence.js";
import { mulberry32 } from "../helpers/random.js";

/** n rows of dates `step` apart ("day", "week" or "month"), a target and two channels. */
function csv(n: number, step: "day" | "week" | "month", geos: string[] = []): string {
  const rand = mulberry32(5);
  const rows = [geos.length ? "date,geo,sales,tv,radio" : "date,sales,tv,radio"];
  for (let t = 0; t < n; t++) {
    const d = new Date(Date.UTC(2022, 0, 3));
    if (step === "month") d.setUTCMonth(d.getUTCMonth() + t);
    else d.setUTCDate(d.getUTCDate() + t * (step === "week" ? 7 : 1));
    const date = d.toISOString().slice(0, 10);
    for (const g of geos.length ? geos : [""]) {
      const cells = [100 + 20 * rand(), 10 + 5 * rand(), 5 + 3 * rand()].map((v) => v.toFixed(2));
      rows.push([date, ...(g ? [g] : []), ...cells].join(","));
    }
  }
  return rows.join("\n") + "\n";
}

const columns = { date: "date", target: "sales", media: ["tv", "radio"], extra: [] };
const national = (n: number, step: "day" | "week" | "month") => datasetFromTable(parseCsv(csv(n, step), "data.csv"), columns);
const short = { chains: 1, warmup: 20, samples: 10, seed: 1 };

describe("defaults from the spacing of the dates", () => {
  it("a year of periods and 13 weeks of daily lags; without dates, weeks unless weekday seasonality", () => {
    expect([periodsPerYear("daily", false), periodsPerYear("weekly", false), periodsPerYear("monthly", false)]).toEqual([365, 52, 12]);
    expect([periodsPerYear(undefined, false), periodsPerYear(undefined, true)]).toEqual([52, 365]);
    expect([defaultCarryoverLags("daily", false), defaultCarryoverLags("weekly", false), defaultCarryoverLags("monthly", false)]).toEqual([91, 13, 13]);
    expect([defaultCarryoverLags(undefined, false), defaultCarryoverLags(undefined, true)]).toEqual([13, 91]);
  });

  it("names a period by the dates' spacing; without dates, days with weekday seasonality, weeks with a 52-period season", () => {
    expect([periodUnit("daily", false, 52), periodUnit("weekly", false, 12), periodUnit("monthly", false, 52)]).toEqual(["day", "week", "month"]);
    expect([periodUnit(undefined, true, 52), periodUnit(undefined, false, 52), periodUnit(undefined, false, 12)]).toEqual(["day", "week", "period"]);
    // The report's words for them: the plural and the adjective of its plot titles.
    const words = (frequency: string | undefined, seasonalityFrequency = 52) =>
      periodWords({ record: { dataset: { frequency }, structure: { weekdaySeasonality: false, seasonalityFrequency } } } as unknown as ReportFit);
    expect(words("daily")).toEqual({ one: "day", many: "days", adjective: "Daily" });
    expect(words("weekly")).toEqual({ one: "week", many: "weeks", adjective: "Weekly" });
    expect(words("monthly")).toEqual({ one: "month", many: "months", adjective: "Monthly" });
    expect(words(undefined, 12)).toEqual({ one: "period", many: "periods", adjective: "Per-period" });
  });

  it("fills only what the input leaves out, and leaves weekly fits' records as they were", () => {
    expect(withCadenceDefaults({}, "monthly")).toEqual({ seasonalityFrequency: 12 });
    expect(withCadenceDefaults({}, "daily")).toEqual({ seasonalityFrequency: 365, maxLag: 91 });
    expect(withCadenceDefaults({ weekdaySeasonality: true }, "daily")).toEqual({ weekdaySeasonality: true, seasonalityFrequency: 365 });
    expect(withCadenceDefaults({}, "weekly")).toEqual({ seasonalityFrequency: 52 });
    expect(withCadenceDefaults({ seasonalityFrequency: 52, maxLag: 8 }, "daily")).toEqual({ seasonalityFrequency: 52, maxLag: 8 });
  });

  it("national fits: monthly data get a 12-month season, daily data 365 days and 91 lags", async () => {
    const monthly = national(36, "month");
    expect(monthly.frequency).toBe("monthly");
    const m = await fitMMM(monthly, { sampler: short });
    expect(m.record.structure.seasonalityFrequency).toBe(12);
    const d = await fitMMM(national(120, "day"), { model: "carryover", sampler: short });
    expect(d.record.structure.seasonalityFrequency).toBe(365);
    expect(d.record.structure.carryoverLags).toBe(91);
    const w = await fitMMM(national(60, "week"), { model: "carryover", seasonalityFrequency: 26, maxLag: 5, sampler: short });
    expect(w.record.structure.seasonalityFrequency).toBe(26);
    expect(w.record.structure.carryoverLags).toBe(5);
  });

  it("refuses weekday seasonality where the dates are not daily", async () => {
    await expect(fitMMM(national(60, "week"), { weekdaySeasonality: true, sampler: short })).rejects.toThrow(/weekday seasonality \(--weekday-seasonality\) needs daily data; the dates are weekly/);
    expect(() => withCadenceDefaults({ weekdaySeasonality: true }, "monthly")).toThrow(/the dates are monthly/);
    expect(withCadenceDefaults({ weekdaySeasonality: true }, undefined)).toEqual({ weekdaySeasonality: true, seasonalityFrequency: 365 });
  });

  it("geo fits follow their dates too", async () => {
    const geo = geoDatasetFromTable(parseCsv(csv(24, "month", ["north", "south"]), "geo.csv"), { ...columns, geo: "geo" });
    const fit = await fitMMM(geo, { sampler: short });
    expect(fit.record.structure.seasonalityFrequency).toBe(12);
  });

  it("log-prob evaluates the density a fit of the same data samples", async () => {
    const daily = national(120, "day");
    const fit = await fitMMM(daily, { model: "carryover", sampler: short });
    // A seasonal shape and a long carryover, so that both the period and the window change the density.
    const values = {
      ...fit.layout.constrain(fit.layout.medianPoint()),
      gamma_seasonality: [
        [0.1, 0.05],
        [0.02, -0.03],
      ],
      ad_effect_retention_rate: [0.98, 0.98],
      peak_effect_delay: [8, 8],
    };
    const lp = (extra: { seasonalityFrequency?: number; maxLag?: number }) => logProb({ dataset: daily, params: values, model: "carryover", ...extra }).lp;
    expect(lp({})).toBe(lp({ seasonalityFrequency: 365, maxLag: 91 }));
    expect(lp({})).not.toBe(lp({ seasonalityFrequency: 52, maxLag: 91 }));
    expect(lp({})).not.toBe(lp({ seasonalityFrequency: 365, maxLag: 13 }));
    // Weekday seasonality on weekly dates is refused here as a fit refuses it.
    const weekly = national(60, "week");
    const weeklyValues = fit.layout.constrain(fit.layout.medianPoint());
    expect(() => logProb({ dataset: weekly, params: weeklyValues, model: "carryover", weekdaySeasonality: true })).toThrow(/weekday seasonality \(--weekday-seasonality\) needs daily data; the dates are weekly/);
  });
});
