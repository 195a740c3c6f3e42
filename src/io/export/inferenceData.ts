// A fitted model's posterior in ArviZ's InferenceData layout, independent of
// the file format: groups posterior, sample_stats, observed_data and
// constant_data, each a set of named variables over named dimensions whose
// coordinates (chain, draw, channel, geo, extra, time) are variables too.
// The netCDF, zarr and csv writers only serialise this.

import { weekdayEffectNames } from "../../model/dates.js";
import type { PosteriorRecord } from "../../fit/record.js";
import type { FittedMMM } from "../../api/fittedMMM.js";
import type { FittedGeoMMM } from "../../api/fittedGeoMMM.js";
import { InputError } from "../../errors.js";
import type { ParameterBlock } from "../../model/layout.js";

export type ElementType = "float64" | "int64" | "bool" | "string";

export interface Variable {
  name: string;
  dims: string[];
  shape: number[];
  type: ElementType;
  /** Numbers (float64, int64 and bool as 0/1) row-major, or strings. */
  values: Float64Array | string[];
  attrs?: Record<string, string>;
}

export interface Group {
  name: "posterior" | "sample_stats" | "observed_data" | "constant_data";
  /** One coordinate variable per dimension (named as the dimension), in order of first use. */
  coords: Variable[];
  vars: Variable[];
  attrs: Record<string, string>;
}

export interface InferenceDataLayout {
  groups: Group[];
}

/** Dimension names of a parameter block (after chain and draw), from what each axis counts. */
function blockDims(b: ParameterBlock, geo: boolean): string[] {
  const own = (i: number) => `${b.name}_dim_${i}`;
  switch (b.name) {
    case "intercept":
    case "sigma":
    case "coef_trend":
      return [geo ? "geo" : own(0)];
    case "coef_seasonality":
      return ["geo"];
    case "coef_media":
      return geo ? ["channel", "geo"] : ["channel"];
    case "coef_extra_features":
      return b.shape.length === 2 ? ["extra", "geo"] : ["extra"];
    case "gamma_seasonality":
      return ["seasonality_degree", "sin_cos"];
    case "weekday":
      // Not "weekday": a variable named as a dimension is that dimension's coordinate in netCDF and zarr.
      return ["day_of_week"];
    default:
      // channel_coef_media and the media transforms' parameters: one per channel.
      return b.shape.length === 1 ? ["channel"] : b.shape.map((_, i) => own(i));
  }
}

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

class GroupBuilder {
  private readonly coords = new Map<string, Variable>();
  private readonly vars: Variable[] = [];

  constructor(
    readonly name: Group["name"],
    private readonly coordValues: (dim: string, size: number) => Variable,
    private readonly attrs: Record<string, string>,
  ) {}

  add(v: Omit<Variable, "shape"> & { shape: number[] }): void {
    // netCDF and zarr keep a dimension's coordinate under the dimension's name: a variable of that name would clash.
    if (v.dims.includes(v.name) || this.coords.has(v.name)) throw new Error(`variable ${v.name} is named as a dimension in ${this.name}`);
    for (const dim of v.dims) if (this.vars.some((other) => other.name === dim)) throw new Error(`dimension ${dim} is named as a variable in ${this.name}`);
    v.dims.forEach((dim, i) => {
      const size = v.shape[i]!;
      const c = this.coords.get(dim);
      if (c && c.shape[0] !== size) throw new Error(`dimension ${dim} has two sizes (${c.shape[0]} and ${size}) in ${this.name}`);
      if (!c) this.coords.set(dim, this.coordValues(dim, size));
    });
    this.vars.push(v);
  }

  build(): Group {
    return { name: this.name, coords: [...this.coords.values()], vars: this.vars, attrs: this.attrs };
  }
}

export function inferenceData(fit: FittedMMM | FittedGeoMMM, engineVersion: string): InferenceDataLayout {
  const record = fit.record as PosteriorRecord & FittedMMM["record"];
  const chains = fit.record.chains;
  const nDraws = Math.min(...chains.map((c) => c.numDraws));
  if (!(nDraws > 0)) throw new InputError("this model has no posterior draws to export");
  const nChains = chains.length;
  const d = fit.record.dataset;
  const geo = fit.kind === "geo";
  const geoNames = geo ? (fit as FittedGeoMMM).geoNames : [];
  const T = fit.record.trainRows;
  const dates = d.dates?.slice(0, T);
  const coordValues = (dim: string, size: number): Variable => {
    const strings = (values: string[]): Variable => ({ name: dim, dims: [dim], shape: [size], type: "string", values });
    if (dim === "channel") return strings(d.channelNames);
    if (dim === "geo") return strings(geoNames);
    if (dim === "extra") return strings(d.extraNames);
    if (dim === "sin_cos") return strings(["sin", "cos"]);
    if (dim === "time" && dates && dates.length === size) return strings(dates);
    // The weekday effect k is that of rows t with t mod 7 = k: named by the day of the week of row k, where dates say it.
    const days = dim === "day_of_week" ? weekdayEffectNames(dates, d.frequency) : undefined;
    if (days && days.length === size) return strings(days);
    const first = dim === "seasonality_degree" ? 1 : 0;
    return { name: dim, dims: [dim], shape: [size], type: "int64", values: range(size).map((v) => v + first) };
  };
  const attrs = {
    created_at: new Date().toISOString(),
    inference_library: "mmm-wasm",
    inference_library_version: engineVersion,
    model: record.config.model,
  };

  const posterior = new GroupBuilder("posterior", coordValues, { ...attrs, sampling_method: record.sampling?.method ?? "nuts" });
  const constrained = fit.constrainedDraws();
  const dim = fit.layout.dim;
  for (const b of fit.layout.blocks) {
    if (b.size === 0) continue;
    const values = new Float64Array(nChains * nDraws * b.size);
    for (let c = 0; c < nChains; c++)
      for (let k = 0; k < nDraws; k++)
        values.set(constrained[c]!.subarray(k * dim + b.offset, k * dim + b.offset + b.size), (c * nDraws + k) * b.size);
    posterior.add({ name: b.name, dims: ["chain", "draw", ...blockDims(b, geo)], shape: [nChains, nDraws, ...b.shape], type: "float64", values });
  }

  const stats = new GroupBuilder("sample_stats", coordValues, { ...attrs, max_tree_depth: String(record.config.sampler.maxTreeDepth) });
  const stat = (name: string, type: ElementType, pick: (c: (typeof chains)[number]) => ArrayLike<number>) => {
    const values = new Float64Array(nChains * nDraws);
    chains.forEach((c, i) => {
      const v = pick(c);
      for (let k = 0; k < nDraws; k++) values[i * nDraws + k] = v[k]!;
    });
    stats.add({ name, dims: ["chain", "draw"], shape: [nChains, nDraws], type, values });
  };
  stat("lp", "float64", (c) => c.stats.logp);
  stat("acceptance_rate", "float64", (c) => c.stats.acceptStat);
  stat("step_size", "float64", (c) => c.stats.stepSize);
  stat("tree_depth", "int64", (c) => c.stats.treeDepth);
  stat("n_steps", "int64", (c) => c.stats.nLeapfrog);
  stat("diverging", "bool", (c) => c.stats.divergent);
  stat("energy", "float64", (c) => c.stats.energy);

  const geoAxis = geo ? ["geo"] : [];
  const G = geo ? geoNames.length : 1;
  const C = d.channelNames.length;
  const F = d.extraNames.length;
  const observed = new GroupBuilder("observed_data", coordValues, attrs);
  observed.add({ name: "target", dims: ["time", ...geoAxis], shape: [T, ...(geo ? [G] : [])], type: "float64", values: d.target.slice(0, T * G), attrs: { long_name: d.targetName } });

  const constant = new GroupBuilder("constant_data", coordValues, attrs);
  constant.add({ name: "media", dims: ["time", "channel", ...geoAxis], shape: [T, C, ...(geo ? [G] : [])], type: "float64", values: d.media.slice(0, T * C * G) });
  if (F > 0) {
    const perGeo = geo && (fit as FittedGeoMMM).record.dataset.extraPerGeo;
    const width = perGeo ? F * G : F;
    constant.add({ name: "extra_features", dims: ["time", "extra", ...(perGeo ? ["geo"] : [])], shape: [T, F, ...(perGeo ? [G] : [])], type: "float64", values: d.extra.slice(0, T * width) });
  }
  constant.add({ name: "costs", dims: ["channel"], shape: [C], type: "float64", values: Float64Array.from(fit.record.costs) });

  return { groups: [posterior.build(), stats.build(), observed.build(), constant.build()] };
}
