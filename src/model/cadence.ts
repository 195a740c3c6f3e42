// Model defaults that follow the spacing of the data's dates. MODEL.md gives
// the seasonal period P as 52 for weekly data and the carryover window as 13
// lags, 13 * 7 for daily data; for daily and monthly data the seasonal period
// is a year in periods too (365 days, 12 months), the values LightweightMMM's
// users pass by hand (its seasonality_frequency defaults to 52 whatever the
// data). Without dates, the rows are weeks unless weekday seasonality says
// they are days.
import type { Frequency } from "./dataset.js";

/** Periods in a year: the default seasonal period. */
export function periodsPerYear(frequency: Frequency | undefined, weekday: boolean): number {
  switch (frequency) {
    case "daily":
      return 365;
    case "weekly":
      return 52;
    case "monthly":
      return 12;
    default:
      return weekday ? 365 : 52;
  }
}

/** The carryover window of the convolution adstocks: 13 periods, 13 weeks of daily data. */
export function defaultCarryoverLags(frequency: Frequency | undefined, weekday: boolean): number {
  return frequency === "daily" || (frequency === undefined && weekday) ? 13 * 7 : 13;
}

/** What one period of the data is called, in messages; plurals add "s". */
export type PeriodUnit = "day" | "week" | "month" | "period";

/** One row's unit: the dates' spacing, else days with weekday seasonality, weeks with a 52-period season, else "period". */
export function periodUnit(frequency: Frequency | undefined, weekday: boolean, seasonalityFrequency: number): PeriodUnit {
  switch (frequency) {
    case "daily":
      return "day";
    case "weekly":
      return "week";
    case "monthly":
      return "month";
    default:
      return weekday ? "day" : seasonalityFrequency === 52 ? "week" : "period";
  }
}

/** periodUnit of a fit: its data's dates and its model's seasonality (the optimizer's plans and the report read it alike). */
export function periodUnitOf(fit: {
  dataset: { frequency?: Frequency };
  structure: { weekdaySeasonality: boolean; seasonalityFrequency: number };
}): PeriodUnit {
  return periodUnit(fit.dataset.frequency, fit.structure.weekdaySeasonality, fit.structure.seasonalityFrequency);
}
