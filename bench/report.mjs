// Writes benchmark tables into bench/results/README.md and between markers
// in the top-level README and the docs/ pages, so the figures there always
// come from a run.
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";

const RESULTS_MD = new URL("./results/README.md", import.meta.url);
const TOP_README = new URL("../README.md", import.meta.url);
const DOCS = new URL("../docs/", import.meta.url);

/** The README and every docs/ page: wherever a section's markers are, its table goes. */
function documents() {
  const pages = existsSync(DOCS) ? readdirSync(DOCS).filter((f) => f.endsWith(".md")).map((f) => new URL(f, DOCS)) : [];
  return [TOP_README, ...pages];
}

export function replaceBetween(text, key, body) {
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) return text.trimEnd() + `\n\n${start}\n${body}\n${end}\n`;
  return text.slice(0, i + start.length) + "\n" + body + "\n" + text.slice(j);
}

/** Puts a markdown section under `key` into both files. */
export function publish(key, markdown, { inTopReadme = true } = {}) {
  const current = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, "utf8") : "# Benchmark results\n\nWritten by `npm run bench`; do not edit by hand.\n";
  writeFileSync(RESULTS_MD, replaceBetween(current, key, markdown));
  if (!inTopReadme) return;
  for (const doc of documents()) {
    if (!existsSync(doc)) continue;
    const text = readFileSync(doc, "utf8");
    if (text.includes(`<!-- bench:${key}:start -->`)) writeFileSync(doc, replaceBetween(text, key, markdown));
  }
}

export function machineLine(m) {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.date.slice(0, 10)})`;
}
