// The report's page: one self-contained HTML document (inline SVG, inline
// CSS, no scripts, fonts or network requests) around the sections a report
// has, national or geo; and writing it whole.

import { escapeHtml } from "./format.js";

/**
 * Makes the ids inside one SVG unique in a page that inlines several (vega
 * numbers its clip paths from 1 in every SVG), and labels it for screen readers.
 */
export function inlineSvg(svg: string, prefix: string, label: string): string {
  const body = svg
    .replace(/\bid="([^"]+)"/g, (_m, id) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id) => `href="#${prefix}-${id}"`);
  return body.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `);
}

const CSS = `
:root { --ink: #222; --muted: #666; --line: #e3e3e3; --accent: #4c78a8; --warn: #b3261e; --warn-bg: #fdf1ef; --ok-bg: #eef6ee; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 64px; }
header h1 { margin: 0 0 4px; font-size: 28px; }
header .meta { margin: 0; color: var(--muted); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 20px 0; }
h2 { margin: 0 0 12px; font-size: 20px; }
h3 { margin: 24px 0 6px; font-size: 16px; }
.findings { margin: 0; padding-left: 20px; }
.findings li { margin: 6px 0; }
.callout { border-radius: 8px; padding: 12px 16px; margin-top: 14px; }
.callout.warn { background: var(--warn-bg); border-left: 4px solid var(--warn); }
.callout.ok { background: var(--ok-bg); border-left: 4px solid #3b7d3b; }
.callout ul { margin: 6px 0 0; padding-left: 20px; }
.callout p { margin: 0; }
figure.plot { margin: 18px 0 8px; }
figure.plot .svg { overflow-x: auto; }
figure.plot svg { display: block; max-width: 100%; height: auto; }
figure.plot figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
.plot-title { margin: 0 0 2px; font-size: 16px; font-weight: 600; }
.plot-subtitle { margin: 0 0 4px; color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
#parameter-table { font-size: 13px; }
#parameter-table th, #parameter-table td { padding: 5px 8px; }
th { color: var(--muted); font-weight: 600; }
td.bad { color: var(--warn); font-weight: 600; }
.range { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; }
details summary { cursor: pointer; color: var(--muted); margin-top: 10px; }
.table-wrap { overflow-x: auto; }
code { background: #f0f0f0; padding: 1px 4px; border-radius: 4px; }
footer { color: var(--muted); font-size: 13px; margin-top: 24px; }
@media print { body { background: #fff; } section { border: none; padding: 0; } figure.plot { break-inside: avoid; } }
`;

/** The page around a report's sections: head, header (title and one line of what was fitted), the sections, the footer. */
export function reportDocument(p: { title: string; kpi: string; meta: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}: ${escapeHtml(p.kpi)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(p.title)}</h1>
<p class="meta">${p.meta}</p>
</header>
${p.body}
<footer>Made with mmm-wasm. Intervals are 94% highest-density intervals of the posterior. This file is self-contained: it needs no network access.</footer>
</main>
</body>
</html>
`;
}

/**
 * Writes a report's HTML whole to `path` (a file ending in .html, or a folder
 * that gets report.html) and returns the file. Node only: fs is imported on
 * demand so that the browser bundle stays free of it.
 */
export async function writeReportHtml(path: string, html: string): Promise<string> {
  const [{ statSync }, { join }, { writeFileWhole }] = await Promise.all([import("node:fs"), import("node:path"), import("../io/outputFolder.js")]);
  let file = path;
  let isDir = !path.toLowerCase().endsWith(".html");
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // Not there yet: decided by the name.
  }
  if (isDir) file = join(path, "report.html");
  writeFileWhole(file, html);
  return file;
}
