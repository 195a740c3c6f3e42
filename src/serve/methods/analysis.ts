// The questions asked of a fitted model: summary, diagnostics, metrics,
// predict, contributions, ROI, marginal ROI, response curves and the budget
// optimizer. Results are the engine's own objects (as the CLI's JSON files
// hold them); posterior draws are left out unless asked for (draws: true).

import type { FittedGeoMMM } from "../../api/fittedGeoMMM.js";
import type { FittedMMM } from "../../api/fittedMMM.js";
import type { OptimizeBudgetOptions } from "../../optimize/types.js";
import type { ParamReader } from "../params.js";
import { ServeError } from "../protocol.js";
import type { HeldModel } from "../session.js";
import type { Method, MethodContext } from "./context.js";

function model(p: ParamReader, ctx: MethodContext): HeldModel {
  return ctx.session.models.get(p.string("model"));
}

/** Removes typed-array `draws` fields (large) unless the client asked for them. */
function withoutDraws(value: unknown, keep: boolean): unknown {
  if (keep || value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => withoutDraws(v, keep));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!(k === "draws" && ArrayBuffer.isView(v))) out[k] = withoutDraws(v, keep);
  return out;
}

/** A method that takes only the model and answers with what `answer` reads of it. */
const modelOnly =
  (answer: (m: ReturnType<typeof model>) => unknown): Method =>
  (p, ctx) => {
    const m = model(p, ctx);
    p.done();
    return answer(m);
  };

export const summary = modelOnly((m) => ({ rows: m.summary() }));
export const diagnostics = modelOnly((m) => m.diagnostics());
export const metrics = modelOnly((m) => m.metrics());
export const contributions = modelOnly((m) => m.contributions());

export const roi: Method = (p, ctx) => {
  const m = model(p, ctx);
  const draws = p.boolean("draws") ?? false;
  p.done();
  return { roi: withoutDraws(m.roi(), draws) };
};

export const marginalRoi: Method = (p, ctx) => {
  const m = model(p, ctx);
  const step = p.number("relative_step", (v) => v > 0 && v <= 1, "a number in (0, 1]");
  const draws = p.boolean("draws") ?? false;
  p.done();
  return { marginal_roi: withoutDraws(m.marginalRoi(step), draws) };
};

export const responseCurves: Method = (p, ctx) => {
  const m = model(p, ctx);
  const multipliers = p.numbers("multipliers");
  if (multipliers?.some((v) => v < 0)) throw new ServeError("invalid_params", "response_curves: multipliers must be non-negative");
  const maxDraws = p.integer("max_draws", 1);
  p.done();
  return { curves: m.responseCurves({ ...(multipliers ? { multipliers } : {}), ...(maxDraws ? { maxDraws } : {}) }) };
};

/** New periods of media (and extra features) as the model wants them: [T][C] national, [T][C][G] geo. */
function rows(p: ParamReader, m: HeldModel, mediaName: string, extraName: string, required: boolean) {
  const geo = m.kind === "geo";
  const C = m.channelNames.length;
  const F = m.record.dataset.extraNames.length;
  const media = p.tensor(mediaName, geo ? 3 : 2);
  if (!media) {
    if (required) throw new ServeError("invalid_params", `${p.method}: ${mediaName} is required (${geo ? "[periods][channels][geos]" : "[periods][channels]"} spend)`);
    return undefined;
  }
  const T = media.shape[0]!;
  if (media.shape[1] !== C || (geo && media.shape[2] !== (m as FittedGeoMMM).geoNames.length)) {
    throw new ServeError("invalid_params", `${p.method}: ${mediaName} has shape [${media.shape.join(", ")}]; the model wants [periods, ${C} channels${geo ? `, ${(m as FittedGeoMMM).geoNames.length} geos` : ""}]`);
  }
  const perGeoExtra = geo && (m as FittedGeoMMM).record.dataset.extraPerGeo;
  const extra = p.tensor(extraName, perGeoExtra ? 3 : 2);
  if (F > 0 && !extra) throw new ServeError("invalid_params", `${p.method}: the model has ${F} extra feature(s); give ${extraName} for the same periods`);
  if (extra && (extra.shape[0] !== T || extra.shape[1] !== F)) {
    throw new ServeError("invalid_params", `${p.method}: ${extraName} has shape [${extra.shape.join(", ")}]; the model wants [${T} periods, ${F} extra features${perGeoExtra ? ", geos" : ""}]`);
  }
  return { T, media: media.values, extra: extra?.values ?? new Float64Array(0) };
}

export const predict: Method = (p, ctx) => {
  const m = model(p, ctx);
  const newRows = rows(p, m, "media", "extra", true)!;
  const gap = rows(p, m, "media_gap", "extra_gap", false);
  const includeNoise = p.boolean("include_noise");
  const seed = p.integer("seed", 0);
  const maxDraws = p.integer("max_draws", 1);
  const draws = p.boolean("draws") ?? false;
  p.done();
  const options = {
    ...(gap ? { mediaGap: gap } : {}),
    ...(includeNoise !== undefined ? { includeNoise } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(maxDraws !== undefined ? { maxDraws } : {}),
  };
  const out = m.kind === "geo" ? (m as FittedGeoMMM).predict(newRows, options) : (m as FittedMMM).predict(newRows, options);
  return withoutDraws(out, draws);
};

/** Optimizer options: the protocol's snake_case names for OptimizeBudgetOptions (and per_geo for geo models). */
const OPTIMIZE_KEYS: Record<string, keyof OptimizeBudgetOptions | "perGeo"> = {
  budget: "budget",
  periods: "periods",
  prices: "prices",
  bounds_lower_pct: "boundsLowerPct",
  bounds_upper_pct: "boundsUpperPct",
  bounds: "bounds",
  fixed: "fixed",
  constraints: "constraints",
  objective: "objective",
  alpha: "alpha",
  cvar_of: "cvarOf",
  draws: "draws",
  seed: "seed",
  carry_over: "carryOverFromHistory",
  count_spillover: "countSpillover",
  extra_features: "extraFeatures",
  target_roi: "targetRoi",
  target_mroi: "targetMarginalRoi",
  target_find: "targetFind",
  budget_range: "budgetRange",
  max_iterations: "maxIterations",
  tolerance: "tolerance",
  per_geo: "perGeo",
};

export const optimize: Method = async (p, ctx) => {
  const m = model(p, ctx);
  const options: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(OPTIMIZE_KEYS)) {
    const v = p.raw(key);
    if (v !== undefined) options[name] = v;
  }
  if (options.perGeo !== undefined && m.kind !== "geo") throw new ServeError("invalid_params", "optimize: per_geo applies to geo models only");
  p.done();
  // The optimizer validates every option itself, naming it (an InputError becomes input_error).
  return m.optimizeBudget(options as OptimizeBudgetOptions);
};
