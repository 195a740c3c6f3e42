// The model's log-density and gradient on the unconstrained scale, for
// frontends that bring their own sampler: create_density builds one from a
// dataset and model settings (or a fitted model serves its own), and
// log_density evaluates a batch of points. Batches travel as base64 float64
// (EncodedArray) or as JSON lists; the answer comes back in the same form.

import { structureFor, trainingRows } from "../../api/fitMMM.js";
import { MmmDensity } from "../../density/mmmDensity.js";
import { InputError } from "../../errors.js";
import { MATH_MODE, resolveConfig, withCadenceDefaults, type MathSetting } from "../../fit/config.js";
import { datasetCosts, validateGeoTrainingRows } from "../../model/dataset.js";
import { fitGeoScalers, fitScalers, scaleGeoRows, scaleRows } from "../../model/scaling.js";
import { ParameterLayout } from "../../model/layout.js";
import type { ParamReader } from "../params.js";
import { decodeFloat64, encodeFloat64, isEncodedArray, ServeError } from "../protocol.js";
import type { HeldDensity, HeldModel, Session } from "../session.js";
import type { Method } from "./context.js";
import { readModelConfig } from "./modelParams.js";

function describe(id: string, d: HeldDensity) {
  return {
    density: id,
    dim: d.layout.dim,
    labels: d.layout.labels(),
    parameters: d.layout.blocks.map((b) => ({ name: b.name, shape: b.shape, offset: b.offset })),
  };
}

export const createDensity: Method = (p, { session }) => {
  const held = session.data.get(p.string("data"));
  const math = p.oneOf<MathSetting>("math", ["accurate", "fast", "exact"], "accurate")!;
  const config = resolveConfig(withCadenceDefaults(readModelConfig(p), held.dataset.frequency));
  const requested = p.integer("train_rows", 1);
  p.done();
  const d = held.dataset;
  const trainRows = trainingRows(requested, d.T, held.kind === "geo" ? "dates" : "rows");
  let density: HeldDensity;
  if (held.kind === "geo") {
    const g = held.dataset;
    validateGeoTrainingRows(g, trainRows);
    const structure = structureFor(config, datasetCosts(g, trainRows, config.costs), {
      nChannels: g.channelNames.length,
      nExtra: g.extraNames.length,
      nGeos: g.G,
      geoExtra: g.extraPerGeo,
    });
    const layout = new ParameterLayout(structure);
    const data = scaleGeoRows(g, fitGeoScalers(g, trainRows, config.scalers), 0, trainRows);
    density = { layout, density: new MmmDensity(layout, data, { mathMode: MATH_MODE[math] }) };
  } else {
    const n = held.dataset;
    const costs = datasetCosts(n, trainRows, config.costs);
    const structure = structureFor(config, costs, { nChannels: n.channelNames.length, nExtra: n.extraNames.length });
    const layout = new ParameterLayout(structure);
    const data = scaleRows(n, fitScalers(n, trainRows, config.scalers), 0, trainRows);
    density = { layout, density: new MmmDensity(layout, data, { mathMode: MATH_MODE[math] }) };
  }
  return describe(session.densities.add(density), density);
};

/** The density a fitted model was sampled on (same structure, scaled training data, math mode). */
function modelDensity(session: Session, id: string, fit: HeldModel): HeldDensity {
  const cached = session.modelDensities.get(id);
  if (cached) return cached;
  const r = fit.record;
  if (r.config.roiPrior) {
    // Its draws hold the derived coefficients; the density it sampled is ROI-parametrised (api/roiPriorFit.ts).
    throw new InputError("log_density of a fit with ROI priors is not available yet (docs/roi-priors.md)");
  }
  const data = r.kind === "geo" ? scaleGeoRows(r.dataset, r.scalers, 0, r.trainRows) : scaleRows(r.dataset, r.scalers, 0, r.trainRows);
  const held = { layout: fit.layout, density: new MmmDensity(fit.layout, data, { mathMode: MATH_MODE[r.config.sampler.math] }) };
  session.modelDensities.set(id, held);
  return held;
}

function target(p: ParamReader, session: Session): HeldDensity {
  const densityId = p.string("density", true);
  const modelId = p.string("model", true);
  if ((densityId === undefined) === (modelId === undefined)) {
    throw new ServeError("invalid_params", `${p.method}: give density (from create_density) or model (a fitted model), one of them`);
  }
  return densityId !== undefined ? session.densities.get(densityId) : modelDensity(session, modelId!, session.models.get(modelId!));
}

/** The batch of points, row-major [n][dim], and whether it came encoded. */
function points(p: ParamReader, dim: number, maxBatch: number): { values: Float64Array; n: number; encoded: boolean } {
  const raw = p.raw("points");
  let values: Float64Array;
  let shape: number[];
  let encoded = false;
  if (isEncodedArray(raw)) {
    ({ values, shape } = decodeFloat64(raw, `${p.method}: points`));
    encoded = true;
  } else {
    const t = p.tensor("points", 2);
    if (!t) throw new ServeError("invalid_params", `${p.method}: points is required: [n][${dim}] numbers, or {"dtype": "float64", "shape": [n, ${dim}], "data": base64}`);
    ({ values, shape } = t);
  }
  if (shape.length !== 2 || shape[1] !== dim) {
    throw new ServeError("invalid_params", `${p.method}: points has shape [${shape.join(", ")}]; this density wants [n, ${dim}]`);
  }
  if (shape[0]! > maxBatch) throw new ServeError("too_large", `${p.method}: ${shape[0]} points in one batch; the limit is ${maxBatch} (--max-batch)`);
  return { values, n: shape[0]!, encoded };
}

export const logDensity: Method = (p, { session }) => {
  const { density, layout } = target(p, session);
  const dim = layout.dim;
  const { values, n, encoded } = points(p, dim, session.limits.maxBatch);
  const withGradient = p.boolean("gradient") ?? true;
  const jacobian = p.boolean("jacobian") ?? true;
  p.done();
  // The gradient is of the density with the Jacobian: without it the pair would describe two different functions.
  if (!jacobian && withGradient) throw new ServeError("invalid_params", `${p.method}: ask for jacobian: false only with gradient: false (the gradient includes the Jacobian)`);
  const lp = new Float64Array(n);
  const gradient = new Float64Array(withGradient ? n * dim : 0);
  for (let i = 0; i < n; i++) {
    const x = values.subarray(i * dim, (i + 1) * dim);
    const v = withGradient ? density.logpGrad(x, gradient.subarray(i * dim, (i + 1) * dim)) : density.logp(x);
    lp[i] = jacobian ? v : v - density.lastLogJacobian();
  }
  if (encoded) {
    return { n, dim, logp: encodeFloat64(lp, [n]), ...(withGradient ? { gradient: encodeFloat64(gradient, [n, dim]) } : {}) };
  }
  const rowsOf = (k: number) => Array.from(gradient.subarray(k * dim, (k + 1) * dim));
  return { n, dim, logp: Array.from(lp, (v) => (Number.isFinite(v) ? v : null)), ...(withGradient ? { gradient: Array.from({ length: n }, (_, k) => rowsOf(k)) } : {}) };
};
