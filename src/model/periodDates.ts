// Dates of periods after a fitted dataset: the next N dates at its frequency,
// and how many periods lie between two dates. ISO yyyy-mm-dd, UTC.

import type { Frequency } from "./dataset.js";

const DAY_MS = 86_400_000;

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The date `n` periods after `date`. */
export function addPeriods(date: string, n: number, frequency: Frequency): string {
  const d = utc(date);
  if (frequency === "monthly") d.setUTCMonth(d.getUTCMonth() + n);
  else d.setTime(d.getTime() + n * (frequency === "weekly" ? 7 : 1) * DAY_MS);
  return iso(d);
}

/** Periods from `a` to `b` (b later), possibly fractional when off the grid. */
export function periodsBetween(a: string, b: string, frequency: Frequency): number {
  const da = utc(a);
  const db = utc(b);
  if (frequency === "monthly") return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth()) + (db.getUTCDate() - da.getUTCDate()) / 31;
  return (db.getTime() - da.getTime()) / DAY_MS / (frequency === "weekly" ? 7 : 1);
}
