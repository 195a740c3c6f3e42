// A posterior fit: the draws of a fit record with their summary and the
// sampler's diagnostics, shared by the national and geo fitted models. Draws
// are kept on the unconstrained scale (what the sampler produced); named
// values are derived on demand.

import {
  ESS_PER_CHAIN,
  RHAT_LIMIT,
  lockstepChainsAgree,
  lockstepRuleWords,
  maxNestedRhat,
  countDivergences,
  countMaxTreedepth,
  ebfmi,
  summarizeTrace,
  type NamedSummaryRow,
} from "../diagnostics/index.js";
import { ParameterLayout } from "../model/layout.js";
import { isDiagonalAdaptation } from "../sampler/chain.js";
import { baselineApplies } from "../model/baselineShear.js";
import { parameterisationPieces } from "../model/samplingCoordinates.js";
import { weekdayEffectNames } from "../model/dates.js";
import { parameterSubjects } from "./parameterSubjects.js";
import { DEFAULT_SAMPLER, drawsCanGoOn, higherTargetAccept, lockstepDrawsBound, lockstepLongerChains, MAX_SAMPLES_FACTOR } from "./config.js";
import type { PosteriorRecord } from "./record.js";

export interface SummaryEntry {
  name: string;
  /** What the parameter is about in the data's names: a channel, an extra column, a geo ("" for none). */
  about: string;
  mean: number;
  sd: number;
  "hdi_3%": number;
  "hdi_97%": number;
  mcse_mean: number;
  mcse_sd: number;
  ess_bulk: number;
  ess_tail: number;
  r_hat: number;
}

export interface FitDiagnostics {
  /** "nuts" (CPU workers) or "chees" (lockstep, on "webgpu" or "cpu"). */
  method: "nuts" | "chees";
  backend: "cpu" | "webgpu";
  /** ChEES runs: nested R-hat (Margossian et al.) over superchains, the convergence check for many short chains. */
  nested_r_hat?: number;
  superchains?: number;
  /** Parallel tempering: replicas per chain, their powers, and the swap rate between neighbours (mean over chains). */
  tempering?: { replicas: number; betas: number[]; swap_rates: number[] };
  /**
   * Draws until the chains agree: the draws asked per chain, the most
   * allowed (max samples), and the max R-hat and min bulk/tail ESS after the
   * draws asked for and after each block the chains went on by
   * (api/drawsUntilAgreement.ts).
   */
  extension?: { asked: number; most: number; r_hat: number[]; min_ess: number[]; nested_r_hat?: number[] };
  chains: number;
  /** Draws per chain: those asked for, more where the chains went on while they disagreed, fewer after a stop. */
  warmup: number;
  draws: number;
  seed: number;
  wall_seconds: number;
  warmup_seconds: number;
  sampling_seconds: number;
  threads: number;
  /** initialisation: what the chains' start spent (Pathfinder's density evaluations; 0 for the other starts), included in total. */
  gradient_evaluations: { initialisation: number; warmup: number; sampling: number; total: number };
  divergences: number;
  divergences_per_chain: number[];
  max_tree_depth: number;
  max_tree_depth_hits: number;
  step_sizes: number[];
  /** Per chain; empty when the sampler records no energy (ChEES-HMC in lockstep), with e_bfmi_note saying so. */
  e_bfmi: number[];
  e_bfmi_note?: string;
  min_ess_bulk: number;
  max_r_hat: number;
  min_ess_bulk_per_second: number;
  leapfrog_per_draw: number;
  interrupted: boolean;
  warnings: string[];
}

/** The ladder and, per pair of neighbours, the swap rate averaged over the chains. */
function temperingDiagnostics(t: { replicas: number; betas: number[]; swapRates: number[][] }): NonNullable<FitDiagnostics["tempering"]> {
  const pairs = Math.max(0, t.replicas - 1);
  const swap_rates = Array.from({ length: pairs }, (_, k) => t.swapRates.reduce((a, r) => a + (r[k] ?? 0), 0) / Math.max(1, t.swapRates.length));
  return { replicas: t.replicas, betas: t.betas, swap_rates };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The chain whose divergence count stands out (at least 3 times the median
 * of the chains and at least 20 more), or null: the signature of one chain
 * stuck where its adapted step size is too large.
 */
export function divergenceOutlier(perChain: readonly number[]): number | null {
  if (perChain.length < 2) return null;
  const mid = median(perChain);
  let worst = 0;
  for (let c = 1; c < perChain.length; c++) if (perChain[c]! > perChain[worst]!) worst = c;
  const n = perChain[worst]!;
  return n >= 3 * mid && n >= mid + 20 ? worst : null;
}

export abstract class PosteriorFit<R extends PosteriorRecord> {
  readonly layout: ParameterLayout;
  private summaryCache?: SummaryEntry[];

  constructor(readonly record: R) {
    this.layout = new ParameterLayout(record.structure);
  }

  /** Per chain, row-major [draws][dim] constrained values in layout order. */
  constrainedDraws(): Float64Array[] {
    const dim = this.layout.dim;
    return this.record.chains.map((c) => {
      const out = new Float64Array(c.numDraws * dim);
      for (let i = 0; i < c.numDraws; i++) {
        this.layout.constrainFlat(c.draws.subarray(i * dim, (i + 1) * dim), out.subarray(i * dim, (i + 1) * dim));
      }
      return out;
    });
  }

  /** Posterior summary per named parameter element (ArviZ-style labels and columns). */
  summary(): SummaryEntry[] {
    if (this.summaryCache) return this.summaryCache;
    const rows: NamedSummaryRow[] = summarizeTrace(this.constrainedDraws(), this.layout.dim, this.layout.labels());
    const d = this.record.dataset as { channelNames: string[]; extraNames: string[]; geoNames?: string[]; dates?: string[]; frequency?: string };
    const dayNames = weekdayEffectNames(d.dates, d.frequency);
    const about = parameterSubjects(this.layout, { model: this.record.structure.model, channelNames: d.channelNames, extraNames: d.extraNames, geoNames: d.geoNames, ...(dayNames ? { dayNames } : {}) });
    this.summaryCache = rows.map((r, i) => ({
      name: r.name,
      about: about[i],
      mean: r.mean,
      sd: r.sd,
      "hdi_3%": r.hdiLow,
      "hdi_97%": r.hdiHigh,
      mcse_mean: r.mcseMean,
      mcse_sd: r.mcseSd,
      ess_bulk: r.essBulk,
      ess_tail: r.essTail,
      r_hat: r.rhat,
    }));
    return this.summaryCache;
  }

  diagnostics(): FitDiagnostics {
    const { chains, config, timing } = this.record;
    const s = config.sampler;
    const summary = this.summary();
    const div = countDivergences(chains.map((c) => c.stats.divergent));
    const depth = countMaxTreedepth(chains.map((c) => Int32Array.from(c.stats.treeDepth)), s.maxTreeDepth);
    const bfmi = chains.map((c) => ebfmi(c.stats.energy));
    const finite = (v: number) => Number.isFinite(v);
    const minEss = Math.min(...summary.map((r) => r.ess_bulk).filter(finite));
    const maxRhat = Math.max(...summary.map((r) => r.r_hat).filter(finite));
    const gWarm = chains.reduce((a, c) => a + c.gradientEvaluations.warmup, 0);
    const gSample = chains.reduce((a, c) => a + c.gradientEvaluations.sampling, 0);
    const start = this.record.sampling?.start;
    const gInit = start?.method === "pathfinder" ? start.gradientEvaluations : 0;
    const draws = chains.reduce((a, c) => a + c.numDraws, 0);
    const leapfrog = chains.reduce((a, c) => a + c.stats.nLeapfrog.reduce((x, y) => x + y, 0), 0);
    const warnings: string[] = [];
    const ext = this.record.sampling?.extension;
    const perChain = chains[0]!.numDraws;
    // Longer chains are the first remedy for chains that cross between regions rarely (api/drawsUntilAgreement.ts).
    // Lockstep chains also stop at a bound on their stored draws (fit/config.ts lockstepMostDraws).
    const lockstep = this.record.sampling?.method === "chees";
    const goOn = MAX_SAMPLES_FACTOR * s.samples;
    const lockstepBound = lockstep ? Math.max(s.samples, lockstepDrawsBound(s.chains, this.layout.dim)) : Infinity;
    const moreDraws =
      ext && ext.most > ext.asked
        ? lockstep
          ? `${lockstepLongerChains(s.chains, this.layout.dim, ext.most)}: they went on to ${perChain} draws each and stopped at the limit of ${ext.most}`
          : `let the chains go on further (--max-samples ${2 * ext.most}; they went on to ${perChain} draws each and stopped at the limit of ${ext.most})`
        : goOn > lockstepBound
          ? `let the chains go on until they agree (--max-samples ${goOn}: up to that many draws each, ${lockstepBound} for ${s.chains} lockstep chains, the most their draws may hold)`
          : `let the chains go on until they agree (--max-samples ${goOn}: up to that many draws each)`;
    const nuts = this.record.sampling?.method !== "chees";
    const extendable = !chains.some((c) => c.interrupted) && drawsCanGoOn(s, this.record.sampling?.method);
    // Lockstep chains answer to nested R-hat, with R-hat as a guard (below).
    if (nuts && maxRhat > RHAT_LIMIT) {
      const outlier = divergenceOutlier(div.perChain);
      const worst = summary.reduce((a, r) => (r.r_hat > a.r_hat ? r : a), summary[0]!);
      const pooled = s.adaptation.startsWith("pooled");
      // Fits saved before sampling coordinates existed ran in the model's own.
      const modelCoordinates = (s.parameterisation ?? "model") === "model";
      const geo = (this.record as { kind?: string }).kind === "geo";
      // Geo fits: on the bundled geo example more warm-up did not help (seeds 1 and 3 stayed at R-hat
      // 1.26 and 1.44 with --warmup 2000); a lag_weight prior away from 1 brought the worst of 8 seeds
      // from 1.27 to 1.03, though 5 of 8 stayed above 1.01 (docs/convergence.md).
      const geoLagStep =
        "in a geo model, one channel's lag_weight, slope and coef_media lagging with the geos' intercepts and trends mean that channel's adstock drifts towards lag_weight 1, where its effect grows like a trend and trades off with theirs, and the chains split between the two regimes: a prior keeping lag_weight away from 1 thins that regime (e.g. --priors with {\"lag_weight\": {\"dist\": \"Beta\", \"concentration1\": 2, \"concentration0\": 2}} instead of LightweightMMM's Beta(2, 1); a modelling choice: say so where you report the results)";
      const nationalDefault = DEFAULT_SAMPLER.parameterisation;
      const pieces = parameterisationPieces(s.parameterisation ?? "model");
      const sheared = !geo && pieces.includes("baseline") && baselineApplies(this.layout);
      const higher = higherTargetAccept(s.targetAccept);
      // R-hat splits each chain in two: with one chain it compares the chain's halves.
      const disagree = chains.length === 1 ? "the first and second halves of the chain disagree" : "the chains disagree";
      const steps = [
        chains.length === 1 ? "run several chains (--chains 4): one chain cannot show whether it found the whole posterior" : "",
        // Geo fits: the trend coordinates converged less often than the model's own (docs/convergence.md).
        // National fits in other coordinates (the model's, or trend alone with extra features to shear) are offered the default.
        !geo && !pieces.includes("baseline") && (!pieces.includes("trend") || baselineApplies(this.layout))
          ? `refit with --parameterisation ${nationalDefault} (the default: the sampler moves along the trend's level in place of coef_trend, which removes the curved ridge where chains get stuck, and the extra features' coefficients sheared along the intercept)`
          : "",
        extendable ? moreDraws : "",
        // The baseline coordinates' larger steps can reach narrow regions of the saturation block (one year of weekly
        // data, docs/convergence.md): a higher target acceptance makes every step smaller; the trend coordinates alone
        // smaller still, but slow where an extra feature is almost constant, where their chains got stuck.
        sheared ? `refit with --target-accept ${higher} (smaller steps, for a chain stuck in a narrow region)` : "",
        sheared ? "refit with --parameterisation trend (the trend coordinates alone: smaller steps again, but many more gradients, and chains that get stuck, where an extra feature is almost constant)" : "",
        geo && summary.some((r) => r.name.startsWith("lag_weight")) ? geoLagStep : "",
        // Many chains spread over both regimes, and nested R-hat asks the ensemble, not each chain, to cover them (docs/lockstep.md).
        geo
          ? "run many chains in lockstep (--chains 64 --method chees), which spread over both regimes and go on until they agree as an ensemble; slower than NUTS here, and not sure to agree (the bundled geo example's runs: docs/lockstep.md)"
          : "",
        `refit with more warm-up (--warmup ${Math.max(2000, 2 * s.warmup)})`,
        pooled || geo ? "" : "refit with --adaptation pooled-diag (the chains share what they learn during warm-up)",
        `look at the parameters with the largest R-hat in the summary (here ${worst.name}): two that trade off (coef_trend with expo_trend, a channel's coef_media with its saturation) need a stronger prior on one of them or a simpler model`,
      ].filter((x) => x);
      warnings.push(
        (outlier === null
          ? `R-hat up to ${maxRhat.toFixed(3)} (> 1.01): ${disagree}, so the estimates are not reliable yet.`
          : `R-hat up to ${maxRhat.toFixed(3)} (> 1.01): ${disagree}, so the estimates are not reliable yet; chain ${outlier} diverged far more often than the others (${div.perChain[outlier]} against a median of ${median(div.perChain)}): its step size was too large for a narrow region it reached, where it got stuck (raising --target-accept to ${higher} makes every chain's step size smaller).`) +
          ` What to do, in order: ${steps.map((x, i) => `(${i + 1}) ${x}`).join("; ")}.`,
      );
    }
    // NUTS chains: below 100 effective draws per chain R-hat itself is unreliable (lockstep's many short chains answer to nested R-hat).
    const minEssBulkTail = Math.min(minEss, ...summary.map((r) => r.ess_tail).filter(finite));
    if (nuts && minEssBulkTail < ESS_PER_CHAIN * chains.length) {
      const low = summary.reduce((a, r) => (Math.min(r.ess_bulk, r.ess_tail) < Math.min(a.ess_bulk, a.ess_tail) ? r : a), summary[0]!);
      warnings.push(
        `effective draws down to ${Math.round(minEssBulkTail)} (${low.name}; bulk or tail ESS under ${ESS_PER_CHAIN * chains.length}, ${ESS_PER_CHAIN} per chain): too few for R-hat to be trusted or for the 94% intervals' ends to be precise.` +
          (extendable ? ` ${moreDraws[0]!.toUpperCase()}${moreDraws.slice(1)}.` : ""),
      );
    }
    if (div.total > 0) {
      warnings.push(
        `${div.total} divergent transitions after warm-up: the posterior may be biased. Raise the target acceptance (e.g. --target-accept ${higherTargetAccept(s.targetAccept)}) or reparameterise with tighter priors.`,
      );
    }
    // A diagonal metric cannot follow correlated parameters, the usual cause of both warnings below; a fit that adapted a dense or low-rank one is not offered it again.
    const diagonal = isDiagonalAdaptation(s.adaptation);
    bfmi.forEach((b, i) => {
      if (b < 0.3) {
        warnings.push(`E-BFMI of chain ${i} is ${b.toFixed(2)} (< 0.3): the sampler explores the energy poorly; consider more warm-up${diagonal ? " or a dense metric (--adaptation dense)" : ""}.`);
      }
    });
    if (depth.total > 0) {
      warnings.push(
        `${depth.total} draws hit the maximum tree depth ${s.maxTreeDepth}: sampling is inefficient; consider a larger --max-tree-depth${diagonal ? " or a dense metric (--adaptation dense)" : ""}.`,
      );
    }
    const interrupted = chains.some((c) => c.interrupted);
    if (interrupted) {
      warnings.push(
        `the run was stopped during sampling: kept ${chains.length} chain${chains.length === 1 ? "" : "s"} x ${chains[0].numDraws} draws (of ${s.chains} x ${s.samples} asked for${(this.record.sampling?.extension?.rHat.length ?? 0) > 1 ? ", going on while they disagreed" : ""}); estimates and diagnostics rest on these draws alone.`,
      );
    }
    const sampling = this.record.sampling ?? { method: "nuts" as const, backend: "cpu" as const };
    let nested: number | undefined;
    if (sampling.method === "chees" && sampling.superchains !== undefined && sampling.superchains >= 2) {
      nested = maxNestedRhat(this.constrainedDraws(), this.layout.dim, sampling.superchains);
    }
    if (sampling.method === "chees" && !lockstepChainsAgree(nested, maxRhat)) {
      const figures = nested !== undefined ? `nested R-hat up to ${nested.toFixed(3)} over ${sampling.superchains} superchains, R-hat up to ${maxRhat.toFixed(3)}` : `R-hat up to ${maxRhat.toFixed(3)}`;
      warnings.push(
        `${figures}: the chains disagree (agreement is ${lockstepRuleWords(nested !== undefined)}), so the estimates are not reliable. Run NUTS (--method nuts), more warm-up, or ${extendable ? moreDraws : "more draws per chain"}.`,
      );
    }
    if (sampling.fallback) warnings.unshift(sampling.fallback);
    return {
      method: sampling.method,
      backend: sampling.backend,
      ...(nested !== undefined ? { nested_r_hat: nested, superchains: sampling.superchains } : {}),
      ...(sampling.tempering ? { tempering: temperingDiagnostics(sampling.tempering) } : {}),
      ...(sampling.extension
        ? {
            extension: {
              asked: sampling.extension.asked,
              most: sampling.extension.most,
              r_hat: sampling.extension.rHat,
              min_ess: sampling.extension.ess ?? [],
              ...(sampling.extension.nestedRHat ? { nested_r_hat: sampling.extension.nestedRHat } : {}),
            },
          }
        : {}),
      chains: chains.length,
      warmup: s.warmup,
      draws: chains[0].numDraws,
      seed: s.seed,
      wall_seconds: timing.wallSeconds,
      warmup_seconds: timing.warmupSeconds,
      sampling_seconds: timing.samplingSeconds,
      threads: timing.threads,
      gradient_evaluations: { initialisation: gInit, warmup: gWarm, sampling: gSample, total: gInit + gWarm + gSample },
      divergences: div.total,
      divergences_per_chain: div.perChain,
      max_tree_depth: s.maxTreeDepth,
      max_tree_depth_hits: depth.total,
      step_sizes: chains.map((c) => c.stepSize),
      e_bfmi: bfmi.every((b) => Number.isNaN(b)) ? [] : bfmi,
      ...(bfmi.every((b) => Number.isNaN(b))
        ? { e_bfmi_note: sampling.method === "chees" ? "not available: ChEES-HMC (lockstep) records no per-draw energy" : "not available: too few draws, or constant energy" }
        : {}),
      min_ess_bulk: minEss,
      max_r_hat: maxRhat,
      min_ess_bulk_per_second: minEss / timing.wallSeconds,
      leapfrog_per_draw: leapfrog / Math.max(1, draws),
      interrupted,
      warnings,
    };
  }
}
