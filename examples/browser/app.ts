// The browser demo: a CSV in, a fitted marketing mix model, its report plots
// and an interactive budget optimizer out, all on the page (chains run in Web
// Workers; nothing is sent anywhere). Plain DOM. The library is imported from
// the browser bundle as it ships (dist/browser/index.js; see scripts/build.mjs).

import {
  buildReportHtml,
  budgetAllocationSpec,
  checkDataQuality,
  csvText,
  DEFAULT_PERIODS,
  EXAMPLE_COLUMNS,
  fitMMM,
  inlineSvg,
  MODEL_NAMES,
  parseCsv,
  datasetFromTable,
  renderSvg,
  renderPlot,
  plotHeadingHtml,
  reportPlots,
  toBudgetAllocation,
  type BudgetOptimization,
  type ChainProgress,
  type FittedMMM,
  type MediaDataset,
  type ModelName,
  type Table,
} from "../../src/browser.js";
import { parseInteger, parseNumber, parseNumberList } from "./fields.js";

/** What the page exposes for tests and the benchmark (never needed by a user). */
interface DemoHooks {
  /** ms from navigation start to the first progress event of the current fit. */
  firstProgressMs?: number;
  /** ms from navigation start to the end of the current fit. */
  fitDoneMs?: number;
  fit?: FittedMMM;
  /** Bumped after each completed step, for tests to wait on. */
  fits: number;
  plotsRendered: number;
  optimizations: number;
  lastOptimization?: BudgetOptimization;
}
const hooks: DemoHooks = { fits: 0, plotsRendered: 0, optimizations: 0 };
(globalThis as unknown as { mmmDemo: DemoHooks }).mmmDemo = hooks;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const e = document.createElement(tag);
  Object.assign(e, props);
  e.append(...children);
  return e;
}

// ---- errors, worded as the CLI words them ----

function showError(e: unknown): void {
  const err = e as Error;
  const box = $("error");
  if (err?.name === "AbortError") {
    box.textContent = "stopped: the fit was cancelled.";
  } else if (err?.name === "FitStopped") {
    box.textContent = `stopped: ${err.message}.`;
  } else if (err?.name === "InputError") {
    box.textContent = `error: ${err.message}`;
  } else {
    box.textContent = `internal error: ${err?.message ?? String(e)}`;
    console.error(e);
  }
  box.hidden = false;
}

function clearError(): void {
  $("error").hidden = true;
  $("error").textContent = "";
}

// ---- 1. data ----

let table: Table | undefined;

function loadCsv(text: string, name: string, mapping?: typeof EXAMPLE_COLUMNS): void {
  clearError();
  try {
    table = parseCsv(text, name);
  } catch (e) {
    table = undefined;
    showError(e);
    return;
  }
  $("data-info").textContent = `${name}: ${table.rows.length} rows, columns ${table.columns.join(", ")}`;
  $("data-warnings").replaceChildren();
  showMapping(table, mapping);
  $("mapping").hidden = false;
  $("settings").hidden = false;
}

function readFile(file: File): void {
  file.text().then((text) => loadCsv(text, file.name), showError);
}

function setUpDataInput(): void {
  const drop = $("drop");
  $<HTMLInputElement>("file").addEventListener("change", (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) readFile(f);
  });
  drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    const f = ev.dataTransfer?.files?.[0];
    if (f) readFile(f);
  });
  // The example is a static file beside the page, fetched from where the page came from.
  $("load-example").addEventListener("click", async () => {
    try {
      const res = await fetch(new URL("weekly_sales.csv", document.baseURI));
      if (!res.ok) throw new Error(`the bundled example could not be loaded (HTTP ${res.status})`);
      loadCsv(await res.text(), "weekly_sales.csv", EXAMPLE_COLUMNS);
    } catch (e) {
      showError(e);
    }
  });
}

// ---- 2. columns ----

/** The first column whose first value is not a number: most likely the date. */
function guessDate(t: Table): string | undefined {
  return t.columns.find((_, j) => t.rows.length > 0 && Number.isNaN(Number(t.rows[0][j])));
}

/** Columns whose every cell is a number: the only ones that can be a target, media or a control. */
function numericColumns(t: Table): string[] {
  return t.columns.filter((_, j) => t.rows.length > 0 && t.rows.every((r) => r[j] !== undefined && r[j].trim() !== "" && Number.isFinite(Number(r[j]))));
}

const MEDIA_NAME = /spend|cost|media|impression|click|grp|tv|radio|search|social|display|video|youtube|facebook|meta|instagram|tiktok|google|sem|seo|ooh|outdoor|print|email|affiliate|digital|programmatic|podcast|influencer/i;
const TARGET_NAME = /^(sales|revenue|kpi|conversions?|orders|signups?|sign_ups?|target|y|units|bookings|leads)$/i;

/** Likely media: non-negative numeric columns with a channel-like name (none guessed when nothing matches). */
function guessMedia(t: Table, candidates: string[]): string[] {
  return candidates.filter((c) => MEDIA_NAME.test(c) && t.rows.every((r) => Number(r[t.columns.indexOf(c)]) >= 0));
}

function showMapping(t: Table, m?: typeof EXAMPLE_COLUMNS): void {
  const date = m?.date ?? guessDate(t);
  const numeric = numericColumns(t);
  const options = (cols: string[], selected: string | undefined, none?: string) => [
    ...(none ? [el("option", { value: "", textContent: none })] : []),
    ...cols.map((c) => el("option", { value: c, textContent: c, selected: c === selected })),
  ];
  const target = m?.target ?? numeric.find((c) => TARGET_NAME.test(c)) ?? numeric.find((c) => !MEDIA_NAME.test(c)) ?? numeric[0];
  $("target").replaceChildren(...options(numeric, target));
  $("date").replaceChildren(...options(t.columns.filter((c) => !numeric.includes(c) || c === date), date, "(none: rows in file order)"));
  const media = m?.media ?? guessMedia(t, numeric.filter((c) => c !== target && c !== date));
  renderColumnChoices(t, media, m?.extra ?? []);
  $<HTMLInputElement>("costs").value = "";
}

/**
 * Media and control checkboxes: numeric columns other than the chosen target
 * and date (re-drawn when those change, keeping what was ticked); a column
 * ticked as media is not offered as a control, and the other way round.
 */
function renderColumnChoices(t: Table, media: string[], extra: string[]): void {
  const target = $<HTMLSelectElement>("target").value;
  const date = $<HTMLSelectElement>("date").value;
  const offered = numericColumns(t).filter((c) => c !== target && c !== date);
  const checks = (id: string, chosen: string[], other: string[]) =>
    $(id).replaceChildren(
      ...offered.filter((c) => !other.includes(c)).map((c) => el("label", {}, el("input", { type: "checkbox", value: c, checked: chosen.includes(c) }), ` ${c}`)),
    );
  checks("media", media, extra);
  checks("extra", extra, media);
}

function setUpMapping(): void {
  const redraw = () => table && renderColumnChoices(table, checked("media"), checked("extra"));
  $("target").addEventListener("change", redraw);
  $("date").addEventListener("change", redraw);
  $("media").addEventListener("change", redraw);
  $("extra").addEventListener("change", redraw);
  // An error shown for the settings goes once the user changes them.
  for (const id of ["mapping", "settings"]) {
    $(id).addEventListener("input", clearError);
    $(id).addEventListener("change", clearError);
  }
}

const checked = (id: string) => [...$(id).querySelectorAll<HTMLInputElement>("input:checked")].map((i) => i.value);

function readDataset(): MediaDataset {
  if (!table) throw new Error("no data loaded");
  const target = $<HTMLSelectElement>("target").value;
  const media = checked("media");
  if (media.length === 0) throw new InputErrorLike("missing --media <columns>: tick at least one media spend column");
  return datasetFromTable(table, { target, media, extra: checked("extra"), date: $<HTMLSelectElement>("date").value || undefined });
}

/** An error worded for the user (the library's InputError is matched by name, as the CLI matches it by class). */
class InputErrorLike extends Error {
  override name = "InputError";
}

// ---- 3. fitting ----

function readSettings(channels: number) {
  const v = (id: string) => $<HTMLInputElement>(id).value;
  const costs = v("costs").trim();
  const model = $<HTMLSelectElement>("model").value as ModelName;
  const parsedCosts = costs === "" ? undefined : parseNumberList(costs, "--costs");
  if (parsedCosts && parsedCosts.length !== channels) {
    throw new InputErrorLike(`--costs: ${parsedCosts.length} values for ${channels} media columns`);
  }
  return {
    model,
    costs: parsedCosts,
    degreesSeasonality: parseInteger(v("degrees"), "--degrees-seasonality", 0),
    sampler: {
      chains: parseInteger(v("chains"), "--chains", 1),
      warmup: parseInteger(v("warmup"), "--warmup", 0),
      samples: parseInteger(v("samples"), "--samples", 1),
      seed: parseInteger(v("seed"), "--seed", 0),
      // Left empty: the model kind's default (0.95 national, 0.85 geo), as the CLI.
      ...(v("target-accept").trim() === "" ? {} : { targetAccept: parseNumber(v("target-accept"), "--target-accept", (x) => x > 0 && x < 1, "a number strictly between 0 and 1") }),
    },
  };
}

function progressRows(chains: number): (p: ChainProgress) => void {
  const rows = Array.from({ length: chains }, (_, i) => {
    const bar = el("progress", { max: 1, value: 0 });
    const text = el("span", { className: "hint", textContent: "starting" });
    $("progress").append(el("div", { className: "chain" }, el("span", { textContent: `chain ${i}` }), bar, text));
    return { bar, text };
  });
  return (p) => {
    hooks.firstProgressMs ??= performance.now();
    const r = rows[p.chainId];
    r.bar.max = p.total;
    r.bar.value = p.iteration;
    r.text.textContent = `${p.phase === "warmup" ? "warm-up" : "sampling"} ${p.iteration}/${p.total}, ${p.divergences} divergent`;
  };
}

let running: AbortController | undefined;

async function runFit(): Promise<void> {
  clearError();
  let dataset: MediaDataset;
  let settings: ReturnType<typeof readSettings>;
  try {
    dataset = readDataset();
    settings = readSettings(dataset.channelNames.length);
  } catch (e) {
    showError(e);
    return;
  }
  const quality = checkDataQuality(dataset, dataset.T);
  $("data-warnings").replaceChildren(
    ...(dataset.warnings ?? []).map((w) => el("li", { textContent: `warning: ${w}` })),
    ...quality.warnings.map((w) => el("li", { textContent: `data check: ${w.message}` })),
  );
  $("progress").replaceChildren();
  $("results").hidden = true;
  $("optimizer").hidden = true;
  hooks.firstProgressMs = undefined;
  running = new AbortController();
  $<HTMLButtonElement>("fit").disabled = true;
  $<HTMLButtonElement>("cancel").disabled = false;
  try {
    const fit = await fitMMM(dataset, settings, { onProgress: progressRows(settings.sampler.chains), signal: running.signal });
    hooks.fit = fit;
    hooks.fitDoneMs = performance.now();
    hooks.fits += 1;
    await showResults(fit);
  } catch (e) {
    showError(e);
  } finally {
    running = undefined;
    $<HTMLButtonElement>("fit").disabled = false;
    $<HTMLButtonElement>("cancel").disabled = true;
  }
}

// ---- 4. results ----

const num = (v: number, digits = 3) => {
  if (!Number.isFinite(v)) return "nan";
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
};
const money = (v: number) => v.toLocaleString("en-US", { maximumFractionDigits: 0 });

function tableOf(header: string[], rows: string[][]): HTMLTableElement[] {
  return [
    el("thead", {}, el("tr", {}, ...header.map((h) => el("th", { textContent: h })))) as unknown as HTMLTableElement,
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { textContent: c }))))) as unknown as HTMLTableElement,
  ];
}

/** Offers bytes or text as a file download. */
function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The files `mmm fit` writes that people open elsewhere: the report, the model, the tables as CSV. */
function setUpDownloads(fit: FittedMMM): void {
  const onClick = (id: string, make: () => Promise<void> | void) => {
    const b = $<HTMLButtonElement>(id);
    b.onclick = async () => {
      b.disabled = true;
      try {
        await make();
      } catch (e) {
        showError(e);
      } finally {
        b.disabled = false;
      }
    };
  };
  onClick("download-report", async () => download("report.html", await buildReportHtml(fit), "text/html"));
  onClick("download-model", () => download("model.mmm", fit.toBytes() as unknown as BlobPart, "application/octet-stream"));
  onClick("download-summary", () => {
    const cols = ["mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"] as const;
    download("summary.csv", csvText(["", "about", ...cols], fit.summary().map((r) => [r.name, r.about, ...cols.map((k) => r[k])])), "text/csv");
  });
  onClick("download-contributions", () => {
    const c = fit.contributions();
    const header = ["period", "date", "actual", "prediction", "prediction_hdi_3%", "prediction_hdi_97%", "baseline", "baseline_hdi_3%", "baseline_hdi_97%"];
    for (const ch of c.channels) header.push(ch, `${ch}_hdi_3%`, `${ch}_hdi_97%`);
    const rows = c.periods.map((p) => [p.index, p.date, p.actual, p.prediction.mean, p.prediction["hdi_3%"], p.prediction["hdi_97%"], p.baseline.mean, p.baseline["hdi_3%"], p.baseline["hdi_97%"], ...p.media.flatMap((m) => [m.mean, m["hdi_3%"], m["hdi_97%"]])]);
    download("contributions.csv", csvText(header, rows), "text/csv");
  });
  onClick("download-roi", () => {
    const mroi = fit.marginalRoi();
    download("roi.csv", csvText(["channel", "spend", "roi", "roi_hdi_3%", "roi_hdi_97%", "marginal_roi"], fit.roi().map((r, i) => [r.channel, r.spend, r.mean, r["hdi_3%"], r["hdi_97%"], mroi[i].mean])), "text/csv");
  });
}

async function showResults(fit: FittedMMM): Promise<void> {
  setUpDownloads(fit);
  const d = fit.diagnostics();
  $("diagnostics").textContent =
    `${d.chains} chains x ${d.draws} draws in ${d.wall_seconds.toFixed(1)} s (warm-up ${d.warmup_seconds.toFixed(1)} s), ` +
    `${d.gradient_evaluations.total} gradient evaluations, min bulk-ESS ${d.min_ess_bulk.toFixed(0)}, max R-hat ${d.max_r_hat.toFixed(3)}, divergences ${d.divergences}`;
  $("fit-warnings").replaceChildren(...d.warnings.map((w) => el("li", { textContent: `warning: ${w}` })));
  $("summary").replaceChildren(
    ...tableOf(
      ["parameter", "mean", "sd", "hdi_3%", "hdi_97%", "ess_bulk", "ess_tail", "r_hat"],
      fit.summary().map((r) => [r.name, num(r.mean), num(r.sd), num(r["hdi_3%"]), num(r["hdi_97%"]), num(r.ess_bulk, 0), num(r.ess_tail, 0), num(r.r_hat)]),
    ),
  );
  $("results").hidden = false;
  $("plots").replaceChildren();
  setUpOptimizer(fit);
  $("optimizer").hidden = false;
  // The report's plots, one after another so the first shows early.
  for (const p of reportPlots(fit)) {
    // The plot's own title and subtitle as HTML above it: the browser wraps them with the fonts it has.
    const { svg, heading } = await renderPlot(p.spec);
    const figure = el("figure", { id: `plot-${p.id}`, className: "plot" }, el("h3", { textContent: p.title }), el("p", { textContent: p.caption }));
    figure.insertAdjacentHTML("beforeend", plotHeadingHtml(heading) + inlineSvg(svg, p.id, p.title));
    $("plots").append(figure);
    hooks.plotsRendered += 1;
  }
  await optimizeNow(fit);
}

// ---- 5. budget optimizer ----

interface Bounds {
  lowerPct: number;
  upperPct: number;
}

/** Mean spend per period and channel over the fitted rows (the optimizer's historical level). */
function historicalSpend(fit: FittedMMM): number[] {
  const { dataset, trainRows } = fit.record;
  const C = dataset.channelNames.length;
  const out = new Array<number>(C).fill(0);
  for (let t = 0; t < trainRows; t++) for (let c = 0; c < C; c++) out[c] += dataset.media[t * C + c] / trainRows;
  return out;
}

let optimizeSeq = 0;
let optimizeTimer: ReturnType<typeof setTimeout> | undefined;

function setUpOptimizer(fit: FittedMMM): void {
  const channels = fit.channelNames;
  $<HTMLInputElement>("periods").value = String(DEFAULT_PERIODS);
  $("bounds").replaceChildren(
    el("thead", {}, el("tr", {}, el("th", { textContent: "channel" }), el("th", { textContent: "mean spend / period" }), el("th", { textContent: "lower (fraction below)" }), el("th", { textContent: "upper (fraction above)" }))),
    el(
      "tbody",
      {},
      ...channels.map((ch, c) =>
        el(
          "tr",
          {},
          el("td", { textContent: ch }),
          el("td", { textContent: money(historicalSpend(fit)[c]) }),
          el("td", {}, el("input", { type: "number", step: "0.05", min: "0", value: "0.2", className: "lower", name: `lower-${ch}` })),
          el("td", {}, el("input", { type: "number", step: "0.05", min: "0", value: "0.2", className: "upper", name: `upper-${ch}` })),
        ),
      ),
    ),
  );
  const slider = $<HTMLInputElement>("budget");
  const range = () => {
    try {
      const { periods, bounds } = readOptimizerInputs(fit);
      const hist = historicalSpend(fit);
      const low = hist.reduce((a, h, c) => a + Math.max(0, 1 - bounds[c].lowerPct) * h * periods, 0);
      const high = hist.reduce((a, h, c) => a + (1 + bounds[c].upperPct) * h * periods, 0);
      const current = hist.reduce((a, h) => a + h * periods, 0);
      const keep = slider.dataset.ready ? Number(slider.value) : current;
      slider.min = String(low);
      slider.max = String(high);
      slider.value = String(Math.min(high, Math.max(low, keep)));
      slider.dataset.ready = "1";
    } catch {
      // Bad inputs are reported when the optimizer runs.
    }
    $("budget-value").textContent = money(Number(slider.value));
  };
  delete slider.dataset.ready;
  range();
  const later = () => {
    range();
    clearTimeout(optimizeTimer);
    optimizeTimer = setTimeout(() => void optimizeNow(fit), 200);
  };
  slider.oninput = later;
  $("periods").oninput = later;
  $("bounds").oninput = later;
}

function readOptimizerInputs(fit: FittedMMM): { periods: number; bounds: Bounds[] } {
  const periods = parseInteger($<HTMLInputElement>("periods").value, "--periods", 1);
  const bounds = fit.channelNames.map((ch) => ({
    lowerPct: parseNumber($<HTMLInputElement>(`bounds`).querySelector<HTMLInputElement>(`input[name="lower-${ch}"]`)!.value, `lower bound of ${ch}`, (v) => v >= 0 && v <= 1, "a fraction between 0 and 1"),
    upperPct: parseNumber($<HTMLInputElement>(`bounds`).querySelector<HTMLInputElement>(`input[name="upper-${ch}"]`)!.value, `upper bound of ${ch}`, (v) => v >= 0, "a non-negative fraction"),
  }));
  return { periods, bounds };
}

async function optimizeNow(fit: FittedMMM): Promise<void> {
  const seq = ++optimizeSeq;
  const status = $("optimizer-status");
  try {
    const { periods, bounds } = readOptimizerInputs(fit);
    const budget = Number($<HTMLInputElement>("budget").value);
    status.textContent = "optimizing...";
    const started = performance.now();
    const result = await fit.optimizeBudget({
      budget,
      periods,
      bounds: Object.fromEntries(fit.channelNames.map((ch, c) => [ch, bounds[c]])),
    });
    if (seq !== optimizeSeq) return; // a newer request superseded this one
    const allocation = toBudgetAllocation(result, fit.channelNames);
    const svg = await renderSvg(budgetAllocationSpec(allocation, { kpi: fit.record.dataset.targetName, channelOrder: fit.channelNames, periodsWord: "periods" }));
    if (seq !== optimizeSeq) return;
    $("budget-plot").innerHTML = inlineSvg(svg, "budget", "Spend per channel before and after optimisation");
    $("budget-table").replaceChildren(
      ...tableOf(
        ["channel", "spend before", "spend after", "change", "status"],
        result.channels.map((ch) => {
          const b = result.spend_before[ch];
          const a = result.spend_after[ch];
          return [ch, money(b), money(a), `${a >= b ? "+" : ""}${(((a - b) / (b || 1)) * 100).toFixed(1)}%`, result.channel_status[ch]];
        }),
      ),
    );
    const u = result.uplift;
    status.textContent =
      `${fit.record.dataset.targetName} over ${periods} ${result.period_unit}${periods === 1 ? "" : "s"}: ${money(result.kpi_before.mean)} -> ${money(result.kpi_after.mean)} ` +
      `(uplift ${money(u.mean)}, 94% HDI ${money(u["hdi_3%"])} to ${money(u["hdi_97%"])}); ${result.message} (${((performance.now() - started) / 1000).toFixed(2)} s)`;
    hooks.lastOptimization = result;
    hooks.optimizations += 1;
  } catch (e) {
    if (seq !== optimizeSeq) return;
    status.textContent = "";
    showError(e);
  }
}

// ---- wiring ----

/**
 * Settings from the address, so a fit can be linked or scripted:
 * ?example&chains=2&warmup=100&samples=100&seed=3&fit loads the example,
 * fills the fields and starts fitting.
 */
async function applyAddress(): Promise<void> {
  const q = new URLSearchParams(location.search);
  if (q.has("example")) {
    const res = await fetch(new URL("weekly_sales.csv", document.baseURI));
    loadCsv(await res.text(), "weekly_sales.csv", EXAMPLE_COLUMNS);
  }
  const fields: Record<string, string> = { chains: "chains", warmup: "warmup", samples: "samples", seed: "seed", "target-accept": "target-accept", degrees: "degrees" };
  for (const [param, id] of Object.entries(fields)) {
    const v = q.get(param);
    if (v !== null) $<HTMLInputElement>(id).value = v;
  }
  const model = q.get("model");
  if (model) $<HTMLSelectElement>("model").value = model;
  if (q.has("fit") && table) await runFit();
}

$("model").replaceChildren(...MODEL_NAMES.map((m) => el("option", { value: m, textContent: m, selected: m === "hill_adstock" })));
setUpDataInput();
setUpMapping();
$("fit").addEventListener("click", () => void runFit());
$("cancel").addEventListener("click", () => running?.abort());
applyAddress().catch(showError);
