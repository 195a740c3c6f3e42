// `mmm runs DIR`: finds run records (run.json) under a folder and lists
// them, and compares two runs (or every refresh of the same slice) on their
// headline metrics and per-channel ROI.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { InputError } from "../errors.js";
import { RUN_FILE, type RunRecord } from "./runRecord.js";

export interface FoundRun {
  /** Folder of the run, relative to the searched folder ("." for the folder itself). */
  path: string;
  record: RunRecord;
}

/** Run records at most `depth` folders below `dir`; folders starting with "." (temporaries) are skipped. */
export function findRuns(dir: string, depth = 4): FoundRun[] {
  try {
    if (!statSync(dir).isDirectory()) throw new InputError(`"${dir}" is not a folder`);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read folder "${dir}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const found: FoundRun[] = [];
  const visit = (d: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    if (names.includes(RUN_FILE)) {
      try {
        const record = JSON.parse(readFileSync(join(d, RUN_FILE), "utf8")) as RunRecord;
        if (record.run_record_version) found.push({ path: relative(dir, d) || ".", record });
      } catch {
        // Not a run record we can read: skipped.
      }
    }
    if (level >= depth) return;
    for (const n of names.sort()) {
      if (n.startsWith(".") || n === "node_modules") continue;
      const p = join(d, n);
      try {
        if (statSync(p).isDirectory()) visit(p, level + 1);
      } catch {
        // Vanished meanwhile.
      }
    }
  };
  visit(dir, 0);
  return found.sort((a, b) => (a.record.created < b.record.created ? -1 : a.record.created > b.record.created ? 1 : a.path < b.path ? -1 : 1));
}

const f = (v: number | undefined, d = 2) => (v === undefined || v === null || !Number.isFinite(v) ? "-" : v.toFixed(d));

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ").trimEnd();
  return [line(header), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

export function formatRunList(runs: FoundRun[]): string {
  if (runs.length === 0) return "no run records (run.json) found";
  const header = ["run", "created", "slice", "data", "seed", "chains x draws", "wall s", "R²", "MAPE %", "max R-hat", "min ESS", "div", "converged"];
  const rows = runs.map(({ path, record: r }) => {
    // The draws the chains made; older records have only the draws asked for.
    const s = r.configuration as { sampler?: { chains?: number; samples?: number } };
    const draws = r.sampling ? `${r.sampling.chains} x ${r.sampling.draws}` : `${s.sampler?.chains ?? "?"} x ${s.sampler?.samples ?? "?"}`;
    return [
      path,
      r.created.replace("T", " ").slice(0, 19),
      r.slice ? Object.values(r.slice).join("/") : "-",
      r.data.sha256.slice(0, 8),
      String(r.seed),
      draws,
      f(r.timings.wall_seconds, 1),
      f(r.metrics.r2, 3),
      f(r.metrics.mape, 1),
      f(r.metrics.max_r_hat, 3),
      f(r.metrics.min_ess_bulk, 0),
      String(r.metrics.divergences),
      r.metrics.converged ? "yes" : "no",
    ];
  });
  return table(header, rows);
}

/** Side by side: what changed between run a and run b (data, settings, metrics, each channel's ROI). */
export function formatRunComparison(a: FoundRun, b: FoundRun): string {
  const ra = a.record;
  const rb = b.record;
  const lines = [`comparing ${a.path} (${ra.created}) with ${b.path} (${rb.created})`];
  lines.push(ra.data.sha256 === rb.data.sha256 ? "data: the same" : `data: changed (${ra.data.rows} -> ${rb.data.rows} rows, ${ra.data.last_date ?? "?"} -> ${rb.data.last_date ?? "?"})`);
  lines.push(JSON.stringify(ra.configuration) === JSON.stringify(rb.configuration) ? "configuration: the same" : "configuration: changed");
  if (ra.engine.version !== rb.engine.version) lines.push(`engine: ${ra.engine.version} -> ${rb.engine.version}`);
  const metric = (name: string, x: number | undefined, y: number | undefined, d = 3) => [name, f(x, d), f(y, d), x !== undefined && y !== undefined ? f(y - x, d) : "-"];
  lines.push(
    "",
    table(
      ["metric", "a", "b", "b - a"],
      [
        metric("R²", ra.metrics.r2, rb.metrics.r2),
        metric("MAPE %", ra.metrics.mape, rb.metrics.mape, 2),
        metric("max R-hat", ra.metrics.max_r_hat, rb.metrics.max_r_hat),
        metric("min ESS", ra.metrics.min_ess_bulk, rb.metrics.min_ess_bulk, 0),
        metric("draws a chain", ra.sampling?.draws, rb.sampling?.draws, 0),
        metric("wall s", ra.timings.wall_seconds, rb.timings.wall_seconds, 1),
      ],
    ),
    "",
  );
  const channels = [...new Set([...ra.channels.map((c) => c.channel), ...rb.channels.map((c) => c.channel)])];
  const rows = channels.map((ch) => {
    const x = ra.channels.find((c) => c.channel === ch);
    const y = rb.channels.find((c) => c.channel === ch);
    const interval = (c?: { roi: number; roi_low: number; roi_high: number }) => (c ? `${f(c.roi)} [${f(c.roi_low)}, ${f(c.roi_high)}]` : "-");
    return [ch, interval(x), interval(y), x && y ? f(y.roi - x.roi) : "-", x && y ? f(y.spend - x.spend, 0) : "-"];
  });
  lines.push(table(["channel", "ROI a [94% HDI]", "ROI b [94% HDI]", "ROI b - a", "spend b - a"], rows));
  return lines.join("\n");
}

/**
 * The run at `path`: as listed (relative to the searched folder `dir`), or a
 * path from the current folder (what tab completion gives) to one of them.
 */
export function pickRun(runs: FoundRun[], path: string, dir = "."): FoundRun {
  const asListed = path.replace(/\/+$/, "").replace(/^\.\/(?=.)/, "");
  const r = runs.find((x) => x.path === asListed) ?? runs.find((x) => resolve(dir, x.path) === resolve(path));
  if (!r) throw new InputError(`--compare: no run record at "${path}"; runs found under ${dir}: ${runs.map((x) => x.path).join(", ") || "none"}`);
  return r;
}
