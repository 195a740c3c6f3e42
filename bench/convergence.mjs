// Does every fit converge on the first try, and at what cost? Default-setting
// fits (4 chains x 1000 + 1000) of the bundled example, the T=156 C=4
// benchmark data, the flat-control data (bench/data) and the bundled geo
// example, 8 seeds each, for each warm-up
// option; Stan's diagonal warm-up beside them on the national datasets where
// rstan is installed (cached as bench/stan.mjs caches; `--run-stan` runs the
// missing ones, minutes each). Per dataset and option: fits with max R-hat >=
// 1.01, median min bulk-ESS, leapfrog steps per draw, min bulk-ESS per 1000
// gradients and per second, divergences.
// --parameterisations model,trend adds the sampler's coordinates as an axis (rows "warm-up, coordinates").
// --init pathfinder starts the chains there (rows "warm-up, init pathfinder"); the default start otherwise.
// --tempering K [--tempering-min-beta B] runs each chain as a ladder of K tempered replicas (rows "warm-up, tempering K [down to B]").
// --target-accept X fits at another target acceptance (rows "..., target accept X");
// --initial-metric unit|gradient starts the Stan-style warm-ups there (rows "..., initial metric X");
// --warmup N another warm-up length (rows "..., warm-up N").
// --label TEXT ends every row name of this run with ", TEXT", Stan's included: fits run side by side on one
// machine (e.g. --label "side by side") stay apart from rows of the same settings run elsewhere.
// --draws-until-agreement [--max-samples N] leaves the draws at the product's default: 1000, going on while the
// chains disagree, up to 10 x (or N) (rows "warm-up, draws until agreement [(at most N)]"); else exactly 1000, as Stan's.
// Geo fits also record each chain's mean lag_weight[1] (the search channel's; the block whose regimes split chains).
//   node bench/convergence.mjs [--quick] [--options a,b] [--parameterisations a,b] [--init how] [--target-accept X] [--seeds 1-8] [--datasets example,t156,geo] [--run-stan]
// --quick: the T=156 data, seeds 1-2, 300 + 300. Writes bench/results/convergence.json
// (after every fit, so a partial run keeps what it measured) and publishes "convergence".
import { readdirSync, readFileSync, renameSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { DEFAULT_SAMPLER, GEO_SAMPLER_DEFAULTS, fitGeoMMM, fitMMM, fitScalers, scaleRows, simulateDataset } from "../dist/index.js";
import { DATASETS as BASE_DATASETS } from "./convergenceDatasets.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish, replaceBetween } from "./report.mjs";
import { rstanAvailable } from "./stan.mjs";
import { stanData, stanFit, stanInputFromFit, stanRow } from "./stanChains.mjs";

// --part NAME writes results/convergence-NAME.json instead, so that runs can be split (e.g. one per
// dataset, run side by side); --table merges results/convergence*.json into the table without fitting.
const PART = process.argv.includes("--part") ? process.argv[process.argv.indexOf("--part") + 1] : null;
const RESULTS = new URL(`./results/convergence${PART ? `-${PART}` : ""}.json`, import.meta.url);
const DOC = new URL("../docs/convergence.md", import.meta.url);

// The datasets (bench/convergenceDatasets.mjs); the T=156 data's Stan input as bench/stan.mjs and
// bench/stanChains.mjs make it, so their cached Stan fits are found; the geo example's from a short fit.
export const DATASETS = {
  ...BASE_DATASETS,
  t156: {
    ...BASE_DATASETS.t156,
    stanInput: () => {
      const sim = simulateDataset({ seed: 1, T: 156, channels: 4, extras: 2 });
      return stanData(sim.structure, scaleRows(sim.dataset, fitScalers(sim.dataset, 156)), 156);
    },
  },
  geo: { ...BASE_DATASETS.geo, stanInput: () => stanInputFromFit(BASE_DATASETS.geo.load(), true) },
};

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function seedList(text) {
  const m = /^(\d+)-(\d+)$/.exec(text);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return text.split(",").map(Number);
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

function saveJson(result) {
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  const tmp = new URL(RESULTS.href + ".tmp");
  writeFileSync(tmp, JSON.stringify(result, null, 2) + "\n");
  renameSync(tmp, RESULTS);
}

function ourFit(d, seed, seconds, summary) {
  // The parameter whose chains disagree most (kept in the results file; the table shows medians only).
  const worst = summary?.reduce((a, b) => (b.r_hat > a.r_hat ? b : a));
  return {
    seed,
    ...(worst ? { worstParameter: worst.name } : {}),
    maxRhat: d.max_r_hat,
    minEss: d.min_ess_bulk,
    leapfrogPerDraw: d.leapfrog_per_draw,
    gradients: d.gradient_evaluations.total,
    seconds,
    divergences: d.divergences,
    stepSizes: d.step_sizes,
  };
}

/** Each chain's posterior mean of one named parameter (constrained), 3 digits. */
function chainMeans(fit, name) {
  const i = fit.layout.labels().indexOf(name);
  if (i < 0) return undefined;
  const dim = fit.layout.dim;
  return fit.constrainedDraws().map((rows) => {
    let s = 0;
    for (let k = 0; k < rows.length / dim; k++) s += rows[k * dim + i];
    return +(s / (rows.length / dim)).toPrecision(3);
  });
}

/** Stan's adapt_delta where --stan-target-accept is not given: that of its cached runs (bench/stanChains.mjs). */
const STAN_TARGET_ACCEPT = 0.85;

/** A results file's Stan settings: kept since 2026-12-06; before, Stan ran at the file's own target acceptance. */
function stanSamplerOf(part) {
  return part.stanSampler ?? { ...part.sampler, targetAccept: part.sampler.targetAccept ?? STAN_TARGET_ACCEPT };
}

function stanFits(dataset, input, seeds, sampler, { cachedOnly, rstan, label }) {
  const row = { dataset, option: ["Stan (diag)", label].filter(Boolean).join(", "), fits: [] };
  for (const seed of seeds) {
    const out = stanFit(input, { seed, chains: 4, warmup: sampler.warmup, draws: sampler.samples, targetAccept: sampler.targetAccept, cachedOnly, rstan });
    if (out) row.fits.push(stanRow(out, seed, input.G !== undefined));
  }
  return row;
}

/** One table row per (dataset, engine/option) from its fits. */
export function summarise(fits) {
  return {
    fits: fits.length,
    notConverged: fits.filter((f) => !(f.maxRhat < 1.01)).length,
    worstRhat: Math.max(...fits.map((f) => f.maxRhat)),
    minEss: median(fits.map((f) => f.minEss)),
    leapfrogPerDraw: median(fits.map((f) => f.leapfrogPerDraw)),
    essPer1000Gradients: median(fits.map((f) => (1000 * f.minEss) / f.gradients)),
    essPerSecond: median(fits.map((f) => f.minEss / f.seconds)),
    divergences: median(fits.map((f) => f.divergences)),
    // Per 1000 draws a chain: fits that went on while their chains disagreed (draws: per chain) against Stan's 1000.
    divergencesPer1000Draws: median(fits.map((f) => (1000 * f.divergences) / (f.draws ?? 1000))),
    divergencesTotal: fits.reduce((a, f) => a + f.divergences, 0),
  };
}

function table(result) {
  const f = (v, n = 1) => (Number.isFinite(v) ? v.toFixed(n) : "-");
  const lines = [
    `Default settings except the warm-up (${result.sampler.chains} chains x (${result.sampler.warmup} warm-up + ${result.sampler.samples} draws), target accept 0.85 unless a row names another; 0.95 is the national default since 2026-12-06), seeds ${result.seeds.join(", ")}, ${machineLine(result.machine)}${result.quick ? " (quick run)" : ""}. Per dataset and warm-up: fits with max R-hat >= 1.01 out of those run, the worst max R-hat, then medians over the fits. Stan: rstan's diagonal warm-up (its own uniform(-2, 2) initialisation), runs kept in bench/results/convergence-stan.json or cached on this machine${result.rstan ? ` (${result.rstan})` : " (rstan not installed: only kept or cached runs)"}; a dataset without Stan rows had no Stan runs. Rows "init random" start as Stan does. Min ESS/s depends on how loaded the machine was during each fit: compare it only between fits run side by side; ESS per 1000 gradients does not.`,
    "",
    "| dataset | warm-up | fits | R-hat >= 1.01 | worst R-hat | min bulk-ESS | leapfrog/draw | min ESS per 1000 grads | min ESS/s | divergences (median, total) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of result.rows) {
    const s = summarise(row.fits);
    if (!s.fits) continue;
    lines.push(
      `| ${row.dataset} | ${row.option} | ${s.fits} | ${s.notConverged} | ${f(s.worstRhat, 3)} | ${f(s.minEss, 0)} | ${f(s.leapfrogPerDraw, 0)} | ${f(s.essPer1000Gradients, 2)} | ${f(s.essPerSecond, 1)} | ${f(s.divergences, 0)}, ${s.divergencesTotal} |`,
    );
  }
  return lines.join("\n");
}

export async function benchConvergence({
  quick = process.argv.includes("--quick"),
  options = arg("--options", "stan-diag,pooled-diag").split(","),
  seeds = seedList(arg("--seeds", quick ? "1-2" : "1-8")),
  datasets = arg("--datasets", quick ? "t156" : "example,t156,flat,geo").split(","),
  runStan = process.argv.includes("--run-stan"),
  parameterisations = arg("--parameterisations", "")?.split(",").filter(Boolean) ?? [],
  init = arg("--init", undefined),
  tempering = arg("--tempering", undefined),
  temperingMinBeta = arg("--tempering-min-beta", undefined),
  // The product's default draws: 1000, going on while the chains disagree (up to 10 x); else exactly 1000, as Stan's.
  untilAgreement = process.argv.includes("--draws-until-agreement"),
  // With --draws-until-agreement: another cap than the product's default (10 x the draws).
  maxSamples = arg("--max-samples", undefined),
  // Another target acceptance than the default's (rows "..., target accept X"; Stan's cached fits are at the default).
  targetAccept = arg("--target-accept", undefined),
  // The Stan-style warm-ups' starting metric: unit (Stan's) or gradient (rows "..., initial metric X").
  initialMetric = arg("--initial-metric", undefined),
  // Another warm-up length than the default's 1000 (rows "..., warm-up N"; Stan's cached fits are at 1000).
  warmup = arg("--warmup", undefined),
  // Stan's adapt_delta (its cached runs are at 0.85).
  stanTargetAccept = arg("--stan-target-accept", String(STAN_TARGET_ACCEPT)),
  // Ends every row name of this run, Stan's included (rows "..., LABEL").
  label = arg("--label", undefined),
} = {}) {
  const rstan = rstanAvailable();
  // Our fits at --target-accept when given, else the product's default for the dataset's kind (0.95 national, 0.85 geo);
  // Stan's at --stan-target-accept, else 0.85: the adapt_delta of its cached runs (bench/stanChains.mjs).
  const sampler = { chains: 4, warmup: warmup ? Number(warmup) : quick ? 300 : 1000, samples: quick ? 300 : 1000, ...(targetAccept ? { targetAccept: Number(targetAccept) } : {}) };
  const stanSampler = { ...sampler, targetAccept: Number(stanTargetAccept) };
  const effectiveTargetAccept = (ds) => (targetAccept ? Number(targetAccept) : ds.national ? DEFAULT_SAMPLER.targetAccept : GEO_SAMPLER_DEFAULTS.targetAccept);
  const result = { machine: machineInfo(), quick, rstan, sampler, stanSampler, seeds, rows: [] };
  for (const key of datasets) {
    const ds = DATASETS[key];
    if (!ds) throw new Error(`unknown dataset ${key} (${Object.keys(DATASETS).join(", ")})`);
    const dataset = ds.load();
    let stanInput = (await ds.stanInput?.()) ?? null;
    // Seeds outside, options inside: a run cut short still compares the options on the same seeds.
    // Without --parameterisations, each option at the default coordinates (rows named by the option alone).
    // Settings other than the defaults name the rows too, in this order.
    const named = [
      init && `init ${init}`,
      tempering && `tempering ${tempering}${temperingMinBeta ? ` down to ${temperingMinBeta}` : ""}`,
      untilAgreement && `draws until agreement${maxSamples ? ` (at most ${maxSamples})` : ""}`,
      // Rows name their target acceptance unless it is 0.85 (that of every row before 2026-12-06).
      effectiveTargetAccept(ds) !== 0.85 && `target accept ${effectiveTargetAccept(ds)}`,
      initialMetric && `initial metric ${initialMetric}`,
      warmup && `warm-up ${warmup}`,
      label,
    ].filter(Boolean);
    const axes = options
      .flatMap((adaptation) =>
        parameterisations.length ? parameterisations.map((parameterisation) => ({ adaptation, parameterisation, name: `${adaptation}, ${parameterisation}` })) : [{ adaptation, name: adaptation }],
      )
      .map(({ name, ...a }) => ({ ...a, option: [name, ...named].join(", ") }));
    const rows = axes.map(({ option }) => ({ dataset: ds.name, option, fits: [] }));
    result.rows.push(...rows);
    for (const seed of seeds) {
      for (const [k, row] of rows.entries()) {
        const began = performance.now();
        const { adaptation, parameterisation } = axes[k];
        const { samples: _samples, ...defaultDraws } = sampler;
        const draws = untilAgreement ? { ...defaultDraws, ...(maxSamples ? { maxSamples: Number(maxSamples) } : {}) } : sampler;
        const fitOptions = { sampler: { ...draws, seed, adaptation, ...(parameterisation ? { parameterisation } : {}), ...(init ? { init } : {}), ...(initialMetric ? { initialMetric } : {}), ...(tempering ? { tempering: Number(tempering) } : {}), ...(temperingMinBeta ? { temperingMinBeta: Number(temperingMinBeta) } : {}) } };
        const fit = ds.national ? await fitMMM(dataset, fitOptions) : await fitGeoMMM(dataset, fitOptions);
        const d = fit.diagnostics();
        row.fits.push({
          ...ourFit(d, seed, d.wall_seconds ?? (performance.now() - began) / 1000, fit.summary()),
          ...(d.gradient_evaluations.initialisation ? { initGradients: d.gradient_evaluations.initialisation } : {}),
          ...(d.tempering ? { swapRates: d.tempering.swap_rates.map((r) => +r.toFixed(3)) } : {}),
          ...(d.extension ? { draws: d.draws, rhatChecks: d.extension.r_hat.map((r) => +r.toFixed(4)), essChecks: d.extension.min_ess.map((e) => Math.round(e)) } : {}),
          ...(ds.national ? {} : { lagWeight1: chainMeans(fit, "lag_weight[1]") }),
        });
        console.log(JSON.stringify({ dataset: key, option: row.option, ...row.fits.at(-1) }));
        saveJson(result);
        if (ds.national && !stanInput) {
          const r = fit.record;
          stanInput = stanData(r.structure, scaleRows(r.dataset, r.scalers), r.trainRows);
          // Kept so that --table can add Stan's cached fits without fitting again.
          result.stanInputs = { ...result.stanInputs, [ds.name]: stanInput };
          saveJson(result);
        }
      }
    }
    if (stanInput && (rstan || runStan)) {
      const row = stanFits(ds.name, stanInput, seeds, stanSampler, { cachedOnly: !runStan, rstan, label });
      if (row.fits.length) result.rows.push(row);
      saveJson(result);
    }
  }
  // A part is one file among several: the published table merges them all.
  if (PART) {
    await publishSaved();
    return result;
  }
  const md = table(result);
  publish("convergence", md);
  if (existsSync(DOC)) writeFileSync(DOC, replaceBetween(readFileSync(DOC, "utf8"), "convergence", md));
  console.log(md);
  return result;
}

/** Every results/convergence*.json merged (rows of the same dataset and option merged by seed), with Stan's cached fits. */
export async function collectSaved() {
  const dir = new URL("./results/", import.meta.url);
  const files = readdirSync(dir).filter((f) => /^convergence(-[\w-]+)?\.json$/.test(f)).sort();
  const all = files.map((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")));
  // Quick runs are not mixed with full ones.
  const parts = all.some((p) => !p.quick) ? all.filter((p) => !p.quick) : all;
  if (!parts.length) throw new Error("no bench/results/convergence*.json to tabulate");
  const rows = new Map();
  for (const p of parts) {
    for (const r of p.rows) {
      const key = `${r.dataset}\u0000${r.option}`;
      const row = rows.get(key) ?? { dataset: r.dataset, option: r.option, machine: p.machine, fits: [] };
      for (const f of r.fits) if (!row.fits.some((g) => g.seed === f.seed)) row.fits.push(f);
      rows.set(key, row);
    }
  }
  const seeds = [...new Set([...rows.values()].flatMap((r) => r.fits.map((f) => f.seed)))].sort((a, b) => a - b);
  const rstan = rstanAvailable();
  const stanInputs = Object.assign({}, ...parts.map((p) => p.stanInputs ?? {}));
  for (const ds of Object.values(DATASETS)) if (ds.stanInput) stanInputs[ds.name] = await ds.stanInput();
  for (const [dataset, input] of Object.entries(stanInputs)) {
    if (rows.has(`${dataset}\u0000Stan (diag)`)) continue;
    const row = stanFits(dataset, input, [1, 2, 3, 4, 5, 6, 7, 8], stanSamplerOf(parts[0]), { cachedOnly: true, rstan });
    if (row.fits.length) rows.set(`${dataset}\u0000Stan (diag)`, row);
  }
  // The side-by-side benchmark's Stan fit (bench/stan.mjs, seed 1) of the same data.
  const t156 = DATASETS.t156.name;
  const stanJson = new URL("./stan.json", dir);
  // Its seed joins the per-chain runs' row when that row lacks it (same data, settings and rstan).
  const t156Stan = rows.get(`${t156}\u0000Stan (diag)`);
  if (existsSync(stanJson)) {
    const sj = JSON.parse(readFileSync(stanJson, "utf8"));
    const stanSettings = stanSamplerOf(parts[0]);
    const same = sj.sampler && sj.sampler.chains === 4 && sj.sampler.warmup === stanSettings.warmup && sj.sampler.samples === stanSettings.samples && sj.sampler.targetAccept === stanSettings.targetAccept;
    const r = sj.rows?.find((x) => x.dataset === "T=156, C=4, F=2" && x.stan);
    if (same && r && !t156Stan?.fits.some((f) => f.seed === sj.sampler.seed)) {
      const st = r.stan;
      const fit = { seed: sj.sampler.seed, maxRhat: st.max_rhat, minEss: st.min_ess_bulk, leapfrogPerDraw: st.leapfrog_per_draw, gradients: st.gradient_evaluations, seconds: st.wall_seconds, divergences: st.divergences, from: `bench/stan.mjs, run ${st.ran_at.slice(0, 10)}` };
      if (t156Stan) t156Stan.fits = [...t156Stan.fits, fit].sort((a, b) => a.seed - b.seed);
      else rows.set(`${t156}\u0000Stan (diag)`, { dataset: t156, option: `Stan (diag; bench/stan.mjs, run ${st.ran_at.slice(0, 10)})`, fits: [fit] });
    }
  }
  // Datasets in DATASETS' order (example, T=156, geo), Stan last within each; options in the order first seen.
  const dsOrder = (name) => Object.values(DATASETS).findIndex((d) => d.name === name);
  const stanLast = (r) => (r.option.startsWith("Stan") ? 1 : 0);
  const ordered = [...rows.values()].sort((a, b) => dsOrder(a.dataset) - dsOrder(b.dataset) || stanLast(a) - stanLast(b));
  return { ...parts[0], rstan, seeds, rows: ordered };
}

// The README's summary: per dataset the product's default beside Stan's diagonal warm-up, from rows run side by
// side on one machine (`--label "side by side"`) where there are such rows, so that seconds compare.
const DEFAULT_ROWS = [
  { dataset: "example", ours: "stan-diag, trend+baseline, draws until agreement, target accept 0.95, side by side", stan: "Stan (diag), side by side" },
  { dataset: "t156", ours: "stan-diag, trend+baseline, draws until agreement, target accept 0.95, side by side", stan: "Stan (diag), side by side" },
  { dataset: "flat", ours: "stan-diag, trend+baseline, draws until agreement, target accept 0.95, side by side", stan: "Stan (diag), side by side" },
  { dataset: "geo", ours: "stan-diag, draws until agreement", stan: "Stan (diag)" },
];

/** The README's summary table (DEFAULT_ROWS) from the merged results; null when a default row is missing. */
export function summaryTable(result) {
  // Two decimals, or two significant digits under 0.1 (the geo example's ESS per 1000 gradients).
  const f = (v, n) => (!Number.isFinite(v) ? "-" : n === 2 && Math.abs(v) < 0.1 && v !== 0 ? v.toPrecision(2) : v.toFixed(n));
  const sideBySide = result.rows.find((r) => r.option === DEFAULT_ROWS[0].ours)?.machine;
  const geoDefault = DEFAULT_ROWS.find((d) => d.dataset === "geo");
  const stanGeoSeeds = result.rows.find((r) => r.dataset === DATASETS.geo.name && r.option === geoDefault.stan)?.fits.filter((x) => x.seed <= 8).length ?? 0;
  const stanGeo = stanGeoSeeds === 0 ? "Stan not run" : stanGeoSeeds === 1 ? "Stan at one seed" : stanGeoSeeds === 8 ? "Stan at the same 8 seeds" : `Stan at ${stanGeoSeeds} seeds`;
  const lines = [
    `The defaults (4 chains x (1000 warm-up + 1000 draws, more while the chains disagree)) against rstan's diagonal warm-up (4 chains x (1000 + 1000), its own start, adapt_delta ${stanSamplerOf(result).targetAccept}) on the same data, seeds 1-8 (from \`node bench/convergence.mjs\`; every option and row in docs/convergence.md). National rows ran side by side on ${sideBySide ? machineLine(sideBySide) : "one machine"}: their seconds compare. The geo rows ran on other days (${stanGeo}; ours going on to 10,000 draws where the chains disagree): compare their ESS per gradient only. Divergences are counted per 1000 draws a chain, so that fits that went on compare with Stan's 1000.`,
    "",
    "| dataset | fits with R-hat >= 1.01 (ours, Stan) | leapfrog steps per draw | min ESS per 1000 gradients | min ESS per second | divergences per 1000 draws a chain |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const { dataset, ours, stan } of DEFAULT_ROWS) {
    const name = DATASETS[dataset].name;
    const pick = (option) => result.rows.find((r) => r.dataset === name && r.option === option);
    const a = pick(ours);
    const b = pick(stan);
    if (!a) return null;
    const sa = summarise(a.fits.filter((x) => x.seed <= 8));
    const sb = b ? summarise(b.fits.filter((x) => x.seed <= 8)) : null;
    // Ours, then Stan's and the ratio where Stan ran.
    const pair = (key, n, ratio) => {
      if (!sb) return f(sa[key], n);
      const x = sa[key] / sb[key];
      return `${f(sa[key], n)} against ${f(sb[key], n)}${ratio && Number.isFinite(x) ? ` (${x.toFixed(1)}x)` : ""}`;
    };
    const comparable = ours.endsWith("side by side");
    lines.push(
      `| ${name} | ${sa.notConverged} of ${sa.fits}, ${sb ? `${sb.notConverged} of ${sb.fits}` : "-"} | ${pair("leapfrogPerDraw", 0)} | ${pair("essPer1000Gradients", 2, true)} | ${comparable ? pair("essPerSecond", 1, true) : f(sa.essPerSecond, 1)} | ${pair("divergencesPer1000Draws", 0)} |`,
    );
  }
  return lines.join("\n");
}

/** The table from every results/convergence*.json. */
export async function publishSaved() {
  const result = await collectSaved();
  const md = table(result);
  publish("convergence", md);
  const summary = summaryTable(result);
  if (summary) publish("convergence-summary", summary);
  if (existsSync(DOC)) writeFileSync(DOC, replaceBetween(readFileSync(DOC, "utf8"), "convergence", md));
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--table")) await publishSaved();
  else await benchConvergence();
}
