// Calendar dates as yyyy-mm-dd text: parsing ISO dates, day and month
// arithmetic in UTC (no time zones, no local time).

export const DAY_MS = 86_400_000;

// The time may follow a "T" or a space (as SQL, R and BigQuery exports write
// it: "2023-01-02 00:00:00 UTC"); a zone, if any, is Z, UTC or an offset.
const DATE_RE = /^(\d{4})([-/])(\d{2})\2(\d{2})(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?$/;

/**
 * Parses an ISO date: YYYY-MM-DD or YYYY/MM/DD, optionally followed by a time
 * ("T" or a space, then HH:MM[:SS[.fff]], then Z, UTC or ±hh:mm), which is
 * checked and ignored: the date as written is kept.
 * Returns yyyy-mm-dd, or undefined for anything else, impossible dates included.
 */
export function parseIsoDate(text: string): string | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [, ys, sep, ms, ds, timeSep, hh, mm, ss] = m;
  // "T" belongs to ISO 8601's dashed form only.
  if (sep === "/" && timeSep === "T") return undefined;
  const y = Number(ys);
  const mo = Number(ms);
  const d = Number(ds);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || (ss !== undefined && Number(ss) > 59))) return undefined;
  return `${ys}-${ms}-${ds}`;
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a yyyy-mm-dd date. */
export function dayNumber(iso: string): number {
  return Math.round(Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS);
}

export function isoFromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function monthIndex(iso: string): number {
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
}

/** The date k months after iso, on the same day of the month (or the month's last day). */
export function addMonths(iso: string, k: number): string {
  const mi = monthIndex(iso) + k;
  const y = Math.floor(mi / 12);
  const m = (mi % 12) + 1;
  const d = Math.min(Number(iso.slice(8, 10)), daysInMonth(y, m));
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** The day of the week of an ISO date ("Monday"). */
export function dayOfWeekName(iso: string): string {
  return DAY_NAMES[new Date(`${iso.slice(0, 10)}T00:00:00Z`).getUTCDay()]!;
}

/**
 * The names of the model's 7 weekday effects (weekday[k] acts on rows t with
 * t mod 7 = k): the days of the first 7 rows, for daily dates; else none.
 */
export function weekdayEffectNames(dates: readonly string[] | undefined, frequency: string | undefined): string[] | undefined {
  return frequency === "daily" && dates && dates.length >= 7 ? dates.slice(0, 7).map(dayOfWeekName) : undefined;
}
