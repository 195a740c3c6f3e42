// The hold-out and NUTS options that `mmm fit` and the per-slice commands
// (`fit-many`, `queue submit`) share, stated once so their help and defaults
// cannot drift apart.

import type { Command } from "commander";
import { checkParameterisation, DEFAULT_SAMPLER, GEO_SAMPLER_DEFAULTS, INIT_STRATEGIES, LOCKSTEP_TARGET_ACCEPT, MAX_TEMPERING_REPLICAS, sampler, type InitStrategy, type MathSetting } from "../index.js";
import { parseChoice, parseInteger, parseIntegerIn, parseNumber } from "./options.js";

/** `scope` words the help for per-slice commands ("of every slice", "per slice"). */
export function addSamplerOptions(cmd: Command, scope: { rows: string; chains: string; seed: string }): Command {
  return cmd
    .option("--test-rows <n>", `hold out the last N rows${scope.rows} as a test set`)
    .option("--test-from <date>", `hold out the rows${scope.rows} from this date on as a test set`)
    .option("--chains <n>", scope.chains, "4")
    .option("--warmup <n>", "warm-up iterations per chain", "1000")
    .option("--samples <n>", "draws per chain after warm-up (default 1000, and more while the chains disagree, up to --max-samples; given, exactly this many unless --max-samples is given too)")
    .option("--max-samples <n>", "most draws per chain: while the chains disagree (max R-hat > 1.01; lockstep chains: nested R-hat >= 1.01 or R-hat >= 1.05) after their draws, each goes on by --samples more, up to this many (default 10000 when --samples is left out, else --samples: off)")
    .option("--seed <n>", scope.seed, "1")
    .option("--target-accept <p>", `target acceptance statistic of the step-size adaptation (default ${DEFAULT_SAMPLER.targetAccept} for national models, ${GEO_SAMPLER_DEFAULTS.targetAccept} for geo models, ${LOCKSTEP_TARGET_ACCEPT} for each of many chains in lockstep)`)
    .option("--max-tree-depth <n>", "maximum NUTS tree depth", "10")
    .option("--init <how>", "jitter (prior medians + small jitter), median, random (Stan's uniform(-2, 2)), or pathfinder (multi-path Pathfinder from uniform(-2, 2) starts; one start per chain resampled from its draws)", "jitter")
    .option(
      "--adaptation <kind>",
      "warm-up: stan-diag (Stan's), pooled-diag / pooled-dense (chains share each window's metric; a chain far behind restarts), nutpie-diag, dense, lowrank (nutpie's low-rank plus diagonal metric) or fisher-dense (dense, from draws and gradients)",
      "stan-diag",
    )
    .option(
      "--initial-metric <how>",
      "the metric the Stan-style warm-ups (stan-diag, dense, pooled-*) start from before their first window: unit (Stan's identity; the default) or gradient (1 / |gradient| per coordinate at each chain's start, nutpie's first guess: fewer gradients in the first window)",
    )
    .option(
      "--math <mode>",
      "exp/log in the density core: accurate (default), exact, or fast (f32, ~3e-7 relative, about 2x faster per gradient; opt-in while being validated)",
      "accurate",
    )
    .option(
      "--parameterisation <kind>",
      "coordinates the sampler moves in (the posterior and outputs are the same): trend+baseline (the default for national models: the trend's value at the last period in place of coef_trend, and the extra features' coefficients and weekday effects sheared along the intercept), model (the model's own, as Stan's program; the default for geo models), or pieces joined by "+" in any order: trend (alone, the default of lockstep chains), baseline, hill (the media effect at mean spend in place of coef_media), media (Hill at the mean adstocked level; not with hill), and for geo models noncentred and season (docs/convergence.md)",
    )
    .option(
      "--tempering <replicas>",
      "parallel tempering: each chain a ladder of this many NUTS replicas (the chain's own included) sampling the posterior raised to powers from 1 down to --tempering-min-beta, swapping states after every iteration; for posteriors whose chains split between regions they rarely cross; costs that many times the gradients (1: off)",
    )
    .option("--tempering-min-beta <beta>", "the hottest replica's power, strictly between 0 and 1 (default 0.5)");
}

/** The option values `addSamplerOptions` declares, as commander hands them over. */
export interface SamplerCliOptions {
  testRows?: string;
  testFrom?: string;
  chains: string;
  warmup: string;
  samples?: string;
  maxSamples?: string;
  seed: string;
  targetAccept?: string;
  maxTreeDepth: string;
  init: string;
  adaptation: string;
  initialMetric?: string;
  math: string;
  parameterisation?: string;
  tempering?: string;
  temperingMinBeta?: string;
}

/** Fewest warm-up iterations accepted: warm-up tunes the step size and metric, and without it NUTS's first steps diverge. */
const MIN_WARMUP = 10;

/** Parses the NUTS options of `addSamplerOptions`, each checked and named in its error. */
export function readSamplerOptions(o: SamplerCliOptions) {
  return {
    chains: parseInteger(o.chains, "--chains", 1),
    warmup: parseNumber(o.warmup, "--warmup", (v) => Number.isInteger(v) && v >= MIN_WARMUP, `an integer >= ${MIN_WARMUP} (warm-up tunes the step size and metric; without it the draws diverge)`),
    // Left out when not given: the default draws go on while the chains disagree (fit/config.ts).
    ...(o.samples !== undefined ? { samples: parseInteger(o.samples, "--samples", 1) } : {}),
    ...(o.maxSamples !== undefined ? { maxSamples: parseInteger(o.maxSamples, "--max-samples", 1) } : {}),
    seed: parseNumber(o.seed, "--seed", (v) => Number.isSafeInteger(v) && v >= 0, "an integer from 0 to 2^53 - 1"),
    // Left out when not given: the default depends on the model (national or geo).
    ...(o.targetAccept !== undefined ? { targetAccept: parseNumber(o.targetAccept, "--target-accept", (v) => v > 0 && v < 1, "a number strictly between 0 and 1") } : {}),
    maxTreeDepth: parseIntegerIn(o.maxTreeDepth, "--max-tree-depth", 1, 30, "2^depth leapfrog steps per draw at most"),
    init: parseChoice(o.init, "--init", INIT_STRATEGIES) as InitStrategy,
    adaptation: parseChoice(o.adaptation, "--adaptation", sampler.ADAPTATION_KINDS) as sampler.AdaptationKind,
    ...(o.initialMetric !== undefined ? { initialMetric: parseChoice(o.initialMetric, "--initial-metric", sampler.INITIAL_METRICS) as sampler.InitialMetric } : {}),
    math: parseChoice(o.math, "--math", ["accurate", "exact", "fast"] as const) as MathSetting,
    // Left out when not given: the default depends on the model (national or geo).
    ...(o.parameterisation !== undefined ? { parameterisation: checkParameterisation(o.parameterisation, "--parameterisation") } : {}),
    ...(o.tempering !== undefined ? { tempering: parseIntegerIn(o.tempering, "--tempering", 1, MAX_TEMPERING_REPLICAS, "replicas per chain") } : {}),
    ...(o.temperingMinBeta !== undefined
      ? { temperingMinBeta: parseNumber(o.temperingMinBeta, "--tempering-min-beta", (v) => v > 0 && v < 1, "a number strictly between 0 and 1") }
      : {}),
  };
}
