// Side by side with Stan: the same hill_adstock model (bench/stan/hill_adstock.stan),
// the same scaled data and the same chains and draws, through rstan when it is
// installed. Reports both engines' wall time, min bulk-ESS, min bulk-ESS per
// second, max R-hat, divergences and the ratios, and checks that the two
// posteriors agree (each parameter's mean within 0.25 of Stan's sd).
// Writes bench/results/stan.json.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SAMPLER, fitMMM, fitScalers, scaleRows, simulateDataset } from "../dist/index.js";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

const HERE = fileURLToPath(new URL(".", import.meta.url));
// Stan's runs take minutes; their results are kept (git-ignored) under a key
// made of everything that determines them, so reruns of our side reuse them.
// `--fresh-stan` runs Stan again.
const CACHE = join(HERE, "stan", "cache");

export function rstanAvailable() {
  const r = spawnSync("Rscript", ["-e", "suppressMessages(library(rstan)); cat(as.character(packageVersion('rstan')))"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

const INSTALL_HINT = [
  "rstan is not installed, so the Stan side is skipped. To install it on Debian/Ubuntu:",
  "  apt-get install -y r-cran-rstan",
  "  # Debian's BH package has no include folder; rstan finds Boost once it points at /usr/include:",
  "  ln -sfn /usr/include /usr/lib/R/site-library/BH/include",
].join("\n");

/** Our label for a Stan parameter name (Stan is 1-based; gamma_seasonality is flattened [d][sin, cos]). */
function ourLabel(stanName) {
  const m = /^(\w+)\[(\d+)\]$/.exec(stanName);
  const scalar = ["intercept", "sigma", "coef_trend"];
  if (!m) return scalar.includes(stanName) ? `${stanName}[0]` : stanName;
  const i = Number(m[2]) - 1;
  if (m[1] === "gamma_seasonality") return `gamma_seasonality[${Math.floor(i / 2)}, ${i % 2}]`;
  return `${m[1]}[${i}]`;
}

export async function benchStan({ quick = false, freshStan = process.argv.includes("--fresh-stan") } = {}) {
  const rstan = rstanAvailable();
  if (!rstan) console.log(INSTALL_HINT);
  // Ours at the product's defaults (coordinates, target acceptance); Stan at adapt_delta 0.85, its cached runs'.
  const sampler = { chains: 4, warmup: quick ? 300 : 1000, samples: quick ? 300 : 1000, seed: 1 };
  const stanTargetAccept = 0.85;
  const datasets = quick
    ? [{ name: "T=104, C=3, F=2", T: 104, C: 3, F: 2, seed: 5 }]
    : [
        { name: "T=156, C=4, F=2", T: 156, C: 4, F: 2, seed: 1 },
        { name: "T=160, C=5, F=2", T: 160, C: 5, F: 2, seed: 2 },
      ];
  const rows = [];
  const work = mkdtempSync(join(tmpdir(), "mmm-stan-"));
  for (const ds of datasets) {
    const sim = simulateDataset({ seed: ds.seed, T: ds.T, channels: ds.C, extras: ds.F });
    const scaled = scaleRows(sim.dataset, fitScalers(sim.dataset, ds.T));
    const fit = await fitMMM(sim.dataset, { sampler });
    const d = fit.diagnostics();
    const ours = {
      wall_seconds: d.wall_seconds,
      min_ess_bulk: d.min_ess_bulk,
      min_ess_per_second: d.min_ess_bulk_per_second,
      max_rhat: d.max_r_hat,
      divergences: d.divergences,
      leapfrog_per_draw: d.leapfrog_per_draw,
      gradient_evaluations: d.gradient_evaluations.total,
    };
    const row = { dataset: ds.name, ours, stan: null, disagreements: [] };
    if (rstan) {
      const dataPath = join(work, `data-${ds.seed}.json`);
      const outPath = join(work, `stan-${ds.seed}.json`);
      const C = ds.C;
      const F = ds.F;
      writeFileSync(
        dataPath,
        JSON.stringify({
          T: ds.T,
          C,
          F,
          D: sim.structure.degreesSeasonality,
          frequency: sim.structure.seasonalityFrequency,
          media: Array.from({ length: ds.T }, (_, t) => Array.from(scaled.media.subarray(t * C, (t + 1) * C))),
          extra: Array.from({ length: ds.T }, (_, t) => Array.from(scaled.extra.subarray(t * F, (t + 1) * F))),
          y: Array.from(scaled.target),
          media_prior: sim.structure.mediaPrior,
        }),
      );
      const args = [String(sampler.chains), String(sampler.warmup), String(sampler.samples), String(sampler.seed), String(stanTargetAccept)];
      const key = createHash("sha256")
        .update(readFileSync(dataPath))
        .update(readFileSync(join(HERE, "stan", "hill_adstock.stan")))
        .update(readFileSync(join(HERE, "stan", "run_stan.R")))
        .update(JSON.stringify([rstan, args, machineInfo().cpu]))
        .digest("hex")
        .slice(0, 16);
      const cached = join(CACHE, `${key}.json`);
      let r = { status: 0 };
      if (!freshStan && existsSync(cached)) {
        writeFileSync(outPath, readFileSync(cached));
        row.stan_cached = true;
        console.log(`Stan result for ${ds.name} reused from ${cached} (--fresh-stan reruns it)`);
      } else {
        r = spawnSync("Rscript", [join(HERE, "stan", "run_stan.R"), dataPath, outPath, ...args], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        if (r.status === 0) {
          mkdirSync(CACHE, { recursive: true });
          const out = JSON.parse(readFileSync(outPath, "utf8"));
          writeFileSync(cached, JSON.stringify({ ...out, ran_at: new Date().toISOString() }));
        }
      }
      if (r.status !== 0) {
        console.log(`!!! Stan run failed for ${ds.name}:\n${r.stderr.slice(-2000)}`);
      } else {
        const stan = JSON.parse(readFileSync(outPath, "utf8"));
        const finite = (v) => typeof v === "number" && Number.isFinite(v);
        const essList = stan.parameters.map((p) => p.ess_bulk).filter(finite);
        const minEss = Math.min(...essList);
        row.stan = {
          engine: stan.engine,
          ran_at: stan.ran_at ?? new Date().toISOString(),
          compile_seconds: stan.compile_seconds,
          wall_seconds: stan.wall_seconds,
          min_ess_bulk: minEss,
          min_ess_per_second: minEss / stan.wall_seconds,
          max_rhat: Math.max(...stan.parameters.map((p) => p.rhat).filter(finite)),
          divergences: stan.divergences,
          leapfrog_per_draw: stan.leapfrog_per_draw,
          gradient_evaluations: stan.gradient_evaluations,
        };
        const summary = new Map(fit.summary().map((s) => [s.name, s]));
        for (const p of stan.parameters) {
          const label = ourLabel(p.name);
          const mine = summary.get(label);
          if (!mine) continue;
          const z = Math.abs(mine.mean - p.mean) / p.sd;
          if (!(z <= 0.25)) row.disagreements.push({ parameter: label, ours: mine.mean, stan: p.mean, stan_sd: p.sd, z });
        }
        row.speedup_wall = row.stan.wall_seconds / ours.wall_seconds;
        row.ratio_ess_per_second = ours.min_ess_per_second / row.stan.min_ess_per_second;
        if (row.disagreements.length) {
          console.log(`\n!!! POSTERIORS DISAGREE on ${ds.name}: ${row.disagreements.length} parameter(s) differ by more than 0.25 Stan sd`);
          for (const x of row.disagreements) console.log(`!!!   ${x.parameter}: ours ${x.ours.toPrecision(4)}, Stan ${x.stan.toPrecision(4)} (sd ${x.stan_sd.toPrecision(3)}, ${x.z.toFixed(2)} sd apart)`);
        }
      }
    }
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  const result = { machine: machineInfo(), quick, rstan, sampler, rows };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/stan.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const f = (v, n = 1) => (v === undefined || v === null ? "-" : v.toFixed(n));
  const md = [
    `hill_adstock, simulated data, ${sampler.chains} chains x (${sampler.warmup} warm-up + ${sampler.samples} draws); ours at the product's defaults (\`${DEFAULT_SAMPLER.parameterisation}\` coordinates, target accept ${DEFAULT_SAMPLER.targetAccept}), Stan at adapt_delta ${stanTargetAccept}; ${machineLine(result.machine)}${quick ? " (quick run)" : ""}. ${rstan ? `Stan: rstan ${rstan} (compile time excluded)${rows.some((r) => r.stan_cached) ? `, its runs from ${[...new Set(rows.filter((r) => r.stan).map((r) => r.stan.ran_at.slice(0, 10)))].join(", ")} on this machine (cached; \`--fresh-stan\` reruns them)` : ""}.` : "rstan not installed: Stan side skipped."}`,
    "",
    "| dataset | engine | wall s | min bulk-ESS | min ESS/s | max R-hat | divergences | leapfrog/draw | ESS/s ratio | posteriors agree |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.flatMap((r) => [
      `| ${r.dataset} | mmm-wasm | ${f(r.ours.wall_seconds)} | ${f(r.ours.min_ess_bulk, 0)} | ${f(r.ours.min_ess_per_second)} | ${f(r.ours.max_rhat, 3)} | ${r.ours.divergences} | ${f(r.ours.leapfrog_per_draw, 0)} | ${r.stan ? f(r.ratio_ess_per_second, 1) + "x" : "-"} | ${r.stan ? (r.disagreements.length ? `NO (${r.disagreements.length})` : "yes") : "-"} |`,
      ...(r.stan ? [`| ${r.dataset} | Stan | ${f(r.stan.wall_seconds)} | ${f(r.stan.min_ess_bulk, 0)} | ${f(r.stan.min_ess_per_second)} | ${f(r.stan.max_rhat, 3)} | ${r.stan.divergences} | ${f(r.stan.leapfrog_per_draw, 0)} | 1x | |`] : []),
    ]),
  ].join("\n");
  publish("stan", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchStan({ quick: process.argv.includes("--quick") });
}
