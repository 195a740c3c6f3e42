/** One CSV line with RFC 4180 quoting where needed. */
export function csvLine(cells: (string | number | null | undefined)[]): string {
  return cells
    .map((c) => {
      const s = c === undefined || c === null ? "" : typeof c === "number" ? (Number.isFinite(c) ? String(c) : c > 0 ? "inf" : c < 0 ? "-inf" : "nan") : c;
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(",");
}

export function csvText(header: string[], rows: (string | number | null | undefined)[][]): string {
  return [csvLine(header), ...rows.map(csvLine)].join("\n") + "\n";
}
