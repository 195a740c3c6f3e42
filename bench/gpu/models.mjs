// Models of the bundled examples' sizes with random data, for the GPU benchmarks
// and the lent-GPU check (bench/gpuLanes.mjs, bench/gpu/check.mjs): media with
// zero weeks, scaled as a fit scales them (means about 1), seeded.
import { ParameterLayout, makeStructure, sampler } from "../../dist/index.js";

/** A seeded uniform(0, 1) stream (the sampler's Philox generator). */
export function uniforms(seed) {
  const r = new sampler.PhiloxRng(seed, 0);
  return () => r.uniform();
}

/**
 * { label, model: { layout, data } } for a model of G geos (1: national), T periods,
 * C channels and F extra features; `options` may name the model (a preset or
 * "adstock+saturation") and, for geo models, extras per geo (geoExtra).
 */
export function randomModel(label, G, T, C, F, options = {}) {
  const r = uniforms(options.seed ?? 7);
  const geo = G > 1;
  const geoExtra = geo && options.geoExtra === true;
  const structure = makeStructure({
    model: options.model ?? "hill_adstock",
    nChannels: C,
    nExtra: F,
    mediaPrior: Array(C).fill(0.15),
    ...(geo ? { nGeos: G, geoExtra } : {}),
  });
  const data = {
    T,
    media: Float64Array.from({ length: T * C * G }, () => (r() < 0.15 ? 0 : 2 * r())),
    extra: Float64Array.from({ length: T * F * (geoExtra ? G : 1) }, () => 0.5 + r()),
    target: Float64Array.from({ length: T * G }, () => 0.6 + 0.8 * r()),
    ...(geo ? { G } : {}),
  };
  return { label, model: { layout: new ParameterLayout(structure), data } };
}

/** The two sizes the lanes are timed at: the bundled example's and the bundled geo example's. */
export const EXAMPLE_SIZES = () => [randomModel("national T=156 C=5 F=2", 1, 156, 5, 2), randomModel("geo G=8 T=104 C=3 F=1", 8, 104, 3, 1)];
