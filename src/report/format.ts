// Numbers and text as a marketer reads them: thousands separators, compact
// millions, a few significant digits, percentages; HTML escaping.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 -> "1,234,567" (rounded to a whole number). */
export function formatInteger(x: number): string {
  if (!Number.isFinite(x)) return "–";
  return GROUPED.format(Math.round(x));
}

/** Compact amounts: 1234 -> "1,234", 123456 -> "123k", 1234567 -> "1.23M", 2.5e9 -> "2.5B". */
export function formatAmount(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  // Three significant digits, trailing zeros after the point dropped: 1.50 -> 1.5, 310 -> 310.
  const digits = (v: number) => {
    const s = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
    return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
  };
  if (a >= 999.5e6) return `${sign}${digits(a / 1e9)}B`;
  if (a >= 999.5e3) return `${sign}${digits(a / 1e6)}M`;
  if (a >= 99.95e3) return `${sign}${digits(a / 1e3)}k`;
  return sign + formatInteger(a);
}

/** A ratio such as an ROI: two decimals, three significant digits when small. */
export function formatRatio(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 100) return formatInteger(x);
  if (a >= 0.1 || a < 0.0005) return x.toFixed(2);
  return x.toPrecision(2);
}

/** A share in [0, 1] as a percentage: 0.2345 -> "23.5%". */
export function formatShare(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return "–";
  return `${(100 * x).toFixed(digits)}%`;
}

/** A value already in percent: 3.456 -> "3.5%". */
export function formatPercent(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return "–";
  return `${x.toFixed(digits)}%`;
}

/** A signed percentage change: +4.2% / -1.0%. */
export function formatChange(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return "–";
  const s = (100 * x).toFixed(digits);
  return x >= 0 ? `+${s}%` : `${s}%`;
}

/** A parameter value for the summary table: 4 significant digits, no exponent for ordinary sizes. */
export function formatParameter(x: number): string {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e5 || a < 1e-4) return x.toExponential(2);
  if (a >= 100) return x.toFixed(1);
  return x.toPrecision(3);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** "tv", "search", "social" -> "tv, search and social". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
