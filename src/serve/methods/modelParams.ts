// The model and sampler settings a fit (or a density) takes, read from
// params with the protocol's snake_case names into the engine's FitConfigInput.

import { parsePriorFile } from "../../model/priorFile.js";
import { INIT_STRATEGIES, type FitConfigInput, type InitStrategy, type MathSetting, type SamplerConfig } from "../../fit/config.js";
import type { ScalerKind, ScalerOptions } from "../../model/scaling.js";
import { MODEL_NAMES, type ModelName } from "../../model/structure.js";
import { INITIAL_METRICS, type AdaptationKind, type InitialMetric } from "../../sampler/index.js";
import type { BackendSetting, MethodSetting } from "../../services/backend.js";
import type { ParamReader } from "../params.js";
import { ServeError } from "../protocol.js";
import { checkParameterisation } from "../../model/samplingCoordinates.js";

function scalerKind(v: unknown, where: string): ScalerKind {
  if (v === "mean" || v === "max" || v === "none") return v;
  if (typeof v === "number" && v > 0 && Number.isFinite(v)) return { divisor: v };
  throw new ServeError("invalid_params", `${where} must be "mean", "max", "none" or a positive divisor, got ${JSON.stringify(v)}`);
}

function scalers(p: ParamReader): ScalerOptions {
  const raw = p.object("scalers");
  if (!raw) return {};
  const out: ScalerOptions = {};
  for (const [key, v] of Object.entries(raw)) {
    const where = `${p.method}: scalers.${key}`;
    if (key === "target") out.target = scalerKind(v, where);
    else if (key === "media" || key === "extra") out[key] = Array.isArray(v) ? v.map((x, i) => scalerKind(x, `${where}[${i}]`)) : scalerKind(v, where);
    else throw new ServeError("invalid_params", `${p.method}: scalers has no "${key}" (use target, media, extra)`);
  }
  return out;
}

/** Model settings (no sampler): what a density needs. */
export function readModelConfig(p: ParamReader): FitConfigInput {
  const out: FitConfigInput = {};
  const model = p.oneOf<ModelName>("model", MODEL_NAMES);
  if (model !== undefined) out.model = model;
  const costs = p.numbers("costs");
  if (costs !== undefined) out.costs = costs;
  const scale = p.number("media_prior_scale", (v) => v > 0, "a positive number");
  if (scale !== undefined) out.mediaPriorScale = scale;
  const degrees = p.integer("degrees_seasonality", 0, 52);
  if (degrees !== undefined) out.degreesSeasonality = degrees;
  const frequency = p.number("seasonality_frequency", (v) => v > 0, "a positive number");
  if (frequency !== undefined) out.seasonalityFrequency = frequency;
  const weekday = p.boolean("weekday_seasonality");
  if (weekday !== undefined) out.weekdaySeasonality = weekday;
  const priors = p.object("priors");
  if (priors !== undefined) out.customPriors = parsePriorFile(priors);
  out.scalers = scalers(p);
  return out;
}

/** Sampler settings; unset ones keep the engine's defaults (4 chains, 1000 + 1000, seed 1). */
export function readSamplerConfig(p: ParamReader): Partial<SamplerConfig> {
  const s: Partial<SamplerConfig> = {};
  const set = <K extends keyof SamplerConfig>(key: K, v: SamplerConfig[K] | undefined) => {
    if (v !== undefined) s[key] = v;
  };
  set("chains", p.integer("chains", 1, 4096));
  set("warmup", p.integer("warmup", 0, 1_000_000));
  set("samples", p.integer("samples", 1, 1_000_000));
  // Left out with samples: the default draws go on while the chains disagree, up to 10x (fit/config.ts).
  set("maxSamples", p.integer("max_samples", 1, 10_000_000));
  set("seed", p.integer("seed", 0));
  set("targetAccept", p.number("target_accept", (v) => v > 0 && v < 1, "a number strictly between 0 and 1"));
  set("maxTreeDepth", p.integer("max_tree_depth", 1, 20));
  set("init", p.oneOf<InitStrategy>("init", [...INIT_STRATEGIES]));
  set("initJitter", p.number("init_jitter", (v) => v >= 0, "a non-negative number"));
  set("adaptation", p.oneOf<AdaptationKind>("adaptation", ["stan-diag", "nutpie-diag", "dense", "lowrank", "fisher-dense"]));
  set("initialMetric", p.oneOf<InitialMetric>("initial_metric", [...INITIAL_METRICS]));
  set("math", p.oneOf<MathSetting>("math", ["accurate", "fast", "exact"]));
  const parameterisation = p.string("parameterisation", true);
  if (parameterisation !== undefined) s.parameterisation = checkParameterisation(parameterisation, "parameterisation");
  // Chains in the server's own thread would block it (no cancel, no other requests): at least one worker.
  set("threads", p.integer("threads", 1, 256));
  set("backend", p.oneOf<BackendSetting>("backend", ["auto", "cpu", "webgpu"]));
  set("method", p.oneOf<MethodSetting>("sampler", ["nuts", "chees"]));
  const init = p.object("init_values");
  if (init !== undefined) s.initValues = init;
  return s;
}
