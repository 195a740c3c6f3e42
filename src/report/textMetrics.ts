// Text widths for laying out plots without a canvas. Vega falls back to a
// crude estimate (0.8 x font size per character) when it has no canvas,
// which makes titles and labels take far more room than they need. The SVG
// is laid out once, here, and read on machines whose fonts we cannot know:
// the plots ask for Helvetica (Arial, Liberation Sans and Nimbus Sans share
// its widths), but a machine without any of them draws DejaVu Sans, 10-20%
// wider. Each character is measured at the wider of the two, so text laid
// out here fits with either font.

// Widths in 1/1000 em of the characters 32..126, by group: the characters,
// then Helvetica's widths, DejaVu Sans's and DejaVu Sans Bold's (the DejaVu
// ones read from the font files' hmtx tables).
const ASCII_GROUPS: [string, number[], number[], number[]][] = [
  [" !\"#$%&'()*+,-./", [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278], [318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337], [348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365]],
  ["0123456789", [556, 556, 556, 556, 556, 556, 556, 556, 556, 556], [636, 636, 636, 636, 636, 636, 636, 636, 636, 636], [696, 696, 696, 696, 696, 696, 696, 696, 696, 696]],
  [":;<=>?@", [278, 278, 584, 584, 584, 556, 1015], [337, 337, 838, 838, 838, 531, 1000], [400, 400, 838, 838, 838, 580, 1000]],
  ["ABCDEFGHIJKLMNOPQRSTUVWXYZ", [667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611], [684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685], [774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725]],
  ["[\\]^_`", [278, 278, 278, 469, 556, 333], [390, 337, 390, 838, 500, 500], [457, 365, 457, 838, 500, 500]],
  ["abcdefghijklmnopqrstuvwxyz", [556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500], [613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525], [675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582]],
  ["{|}~", [334, 260, 334, 584], [636, 337, 636, 838], [712, 365, 712, 838]],
];

/** Per font (Helvetica, DejaVu Sans, DejaVu Sans Bold), the widths of the characters 32..126 in order. */
const [HELVETICA, DEJAVU, DEJAVU_BOLD] = [1, 2, 3].map((font) => ASCII_GROUPS.flatMap((g) => g[font as 1 | 2 | 3]));

// Outside ASCII: [Helvetica, DejaVu Sans, DejaVu Sans Bold].
const OTHER: Record<string, [number, number, number]> = {
  "²": [333, 401, 438], "–": [556, 500, 500], "—": [1000, 1000, 1000], "·": [278, 318, 380],
  "…": [1000, 1000, 1000], "×": [584, 838, 838], "’": [222, 318, 380], "“": [333, 518, 657],
  "”": [333, 518, 657], "µ": [556, 636, 736], "−": [584, 838, 838], "≈": [584, 838, 838],
};

/** Width in pixels of one line of text at the given size: each character at the wider of Helvetica and DejaVu Sans. */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 32 && code <= 126) {
      units += Math.max(HELVETICA[code - 32] * (bold ? 1.07 : 1), (bold ? DEJAVU_BOLD : DEJAVU)[code - 32]);
    } else {
      const w = OTHER[ch] ?? [556, 1000, 1000];
      units += Math.max(w[0] * (bold ? 1.07 : 1), w[bold ? 2 : 1]);
    }
  }
  return (units / 1000) * fontSize;
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
