// Text widths for laying out plots without a canvas. Vega falls back to a
// crude estimate (0.8 x font size per character) when it has no canvas,
// which makes titles and labels take far more room than they need; these
// are the advance widths of Helvetica (Arial, Liberation Sans and Nimbus Sans
// share them), the fonts the plots ask for first.

// Widths in 1/1000 em of the characters 32..126.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space .. /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
  278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // A..Z
  278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // a..z
  334, 260, 334, 584, // { | } ~
];

const OTHER: Record<string, number> = { "²": 333, "–": 556, "—": 1000, "·": 278, "…": 1000, "×": 584, "’": 222, "“": 333, "”": 333, "µ": 556, "−": 584, "≈": 584 };

/** Width in pixels of one line of text at the given size (bold is about 7% wider). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    units += code >= 32 && code <= 126 ? HELVETICA[code - 32] : (OTHER[ch] ?? 556);
  }
  return (units / 1000) * fontSize * (bold ? 1.07 : 1);
}

/** Greedy word wrap of text into lines at most maxWidth pixels wide. */
export function wrapText(text: string, maxWidth: number, fontSize: number, bold = false): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && textWidth(next, fontSize, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** A replacement for vega's textMetrics.width (same signature). */
export function vegaTextWidth(item: TextItem, text: unknown): number {
  const s = text == null ? "" : String(text).trim();
  const size = item.fontSize ?? 11;
  if (!(size > 0) || !s) return 0;
  const w = item.fontWeight;
  const bold = w === "bold" || (typeof w === "number" && w >= 600) || (typeof w === "string" && Number(w) >= 600);
  const width = textWidth(s, size, bold);
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
