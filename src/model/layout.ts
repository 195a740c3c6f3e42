// Named, shaped parameters <-> the sampler's flat unconstrained vector.
// Block order is fixed (the core reads blocks by offset); within a block,
// elements are in channel / feature order, gamma_seasonality as [degree][sin, cos].

import {
  parsePrior,
  priorMedian,
  PriorError,
  supportOf,
  transformOf,
  type Prior,
  type Transform,
} from "./priors.js";
import { geoCount, isGeoModel, TRANSFORM_PARAMETERS, type ModelStructure } from "./structure.js";
import { logistic, softplus } from "../math/special.js";
import { transformPriors, TRANSFORM_SUPPORT } from "./modelChoice.js";
import { InputError } from "../errors.js";
import * as portable from "../math/portable.js";

export interface ParameterBlock {
  name: string;
  /** Shape as reported ([] for a scalar). */
  shape: number[];
  size: number;
  offset: number;
  /**
   * One prior per element. For a block with `scaleFrom` these are nominal
   * (family, support, transform): the scale is another parameter's value.
   */
  priors: Prior[];
  transforms: Transform[];
  /**
   * Hierarchical HalfNormal: element i's scale is `multiplier` times element
   * floor(i / groupSize) of block `block` (which comes earlier in the layout).
   * The geo model's coef_media[c, g] ~ HalfNormal(channel_coef_media[c] sqrt(2/pi)).
   */
  scaleFrom?: { block: string; multiplier: number; groupSize: number };
}

export type ParameterValue = number | number[] | number[][];
export type ParameterValues = Record<string, ParameterValue>;

/** Support that a parameter needs for the model to make sense. */
const REQUIRED_SUPPORT: Record<string, [number, number]> = {
  sigma: [0, Infinity],
  channel_coef_media: [0, Infinity],
  ...TRANSFORM_SUPPORT,
};

/** The geo model's coef_media prior scale, per unit of channel_coef_media (MODEL.md). */
export const GEO_COEF_MEDIA_SCALE = Math.sqrt(2 / Math.PI);

/** Meridian's default ROI prior, LogNormal(0.2, 0.9) (docs/roi-priors.md). */
export const DEFAULT_ROI_PRIOR: Prior = { dist: "LogNormal", loc: 0.2, scale: 0.9 };

/**
 * ROI priors (structure.roiPrior): the block sampled instead of the
 * coefficient block, and the geo model's relative coefficients
 * coef_media[c, g] / channel_coef_media[c] in place of coef_media.
 */
export const ROI_BLOCK = "roi";
export const RELATIVE_COEF_BLOCK = "coef_media_relative";

function roiBlockNames(name: string, s: ModelStructure): string {
  if (!s.roiPrior) return name;
  if (isGeoModel(s)) return name === "channel_coef_media" ? ROI_BLOCK : name === "coef_media" ? RELATIVE_COEF_BLOCK : name;
  return name === "coef_media" ? ROI_BLOCK : name;
}

function defaultPriors(s: ModelStructure): Record<string, Prior[] | Prior> {
  const C = s.nChannels;
  const G = geoCount(s);
  if (G >= 1) {
    // Geo model: channel_coef_media takes the national coef_media prior; the
    // per-geo coef_media prior below is nominal (its scale is a parameter).
    const national = defaultPriors({ ...s, nGeos: 0 });
    return {
      ...national,
      channel_coef_media: national.coef_media,
      coef_media: Array.from(
        { length: C * G },
        (_, i) => ({ dist: "HalfNormal", scale: s.mediaPrior[Math.floor(i / G)] * GEO_COEF_MEDIA_SCALE }) as Prior,
      ),
      coef_seasonality: { dist: "HalfNormal", scale: 0.5 },
      // ROI priors: coef_media[c, g] = channel_coef_media[c] coef_media_relative[c, g].
      [RELATIVE_COEF_BLOCK]: { dist: "HalfNormal", scale: GEO_COEF_MEDIA_SCALE },
      [ROI_BLOCK]: DEFAULT_ROI_PRIOR,
    };
  }
  return {
    intercept: { dist: "HalfNormal", scale: 2 },
    sigma: { dist: "Gamma", concentration: 1, rate: 1 },
    coef_trend: { dist: "Normal", loc: 0, scale: 1 },
    expo_trend: { dist: "Uniform", low: 0.5, high: 1.5 },
    coef_media: Array.from({ length: C }, (_, c) => ({ dist: "HalfNormal", scale: s.mediaPrior[c] }) as Prior),
    ...transformPriors(s.model),
    gamma_seasonality: { dist: "Normal", loc: 0, scale: 1 },
    coef_extra_features: { dist: "Normal", loc: 0, scale: 1 },
    weekday: { dist: "Normal", loc: 0, scale: 0.5 },
    [ROI_BLOCK]: DEFAULT_ROI_PRIOR,
  };
}

export class LayoutError extends InputError {
  override name = "LayoutError";
}

export class ParameterLayout {
  readonly blocks: ParameterBlock[];
  readonly dim: number;
  private readonly byName: Map<string, ParameterBlock>;

  constructor(readonly structure: ModelStructure) {
    const C = structure.nChannels;
    const G = geoCount(structure);
    const geo = isGeoModel(structure);
    if (structure.nGeos !== undefined && !(Number.isInteger(structure.nGeos) && structure.nGeos >= 0)) {
      throw new LayoutError(`the number of geos must be a non-negative integer, got ${structure.nGeos}`);
    }
    const D = structure.degreesSeasonality;
    const F = structure.nExtra;
    // Geo model (MODEL.md): intercept, sigma, coef_trend per geo; the
    // channel-level coef_media above the per-geo one; coef_seasonality per geo
    // (none without seasonality, where it would multiply nothing).
    const specs: [string, number[]][] = geo
      ? [
          ["intercept", [G]],
          ["sigma", [G]],
          ["coef_trend", [G]],
          ["expo_trend", []],
          ["channel_coef_media", [C]],
          ["coef_media", [C, G]],
          ...TRANSFORM_PARAMETERS[structure.model].map((n) => [n, [C]] as [string, number[]]),
          ["gamma_seasonality", [D, 2]],
          ["coef_seasonality", [D > 0 ? G : 0]],
          ["coef_extra_features", structure.geoExtra ? [F, G] : [F]],
        ]
      : [
          ["intercept", [1]],
          ["sigma", [1]],
          ["coef_trend", [1]],
          ["expo_trend", []],
          ["coef_media", [C]],
          ...TRANSFORM_PARAMETERS[structure.model].map((n) => [n, [C]] as [string, number[]]),
          ["gamma_seasonality", [D, 2]],
          ["coef_extra_features", [F]],
        ];
    if (structure.weekdaySeasonality) specs.push(["weekday", [7]]);
    for (const spec of specs) spec[0] = roiBlockNames(spec[0], structure);
    if (structure.mediaPrior.length !== C) {
      throw new LayoutError(`media prior has ${structure.mediaPrior.length} values for ${C} channels`);
    }
    const defaults = defaultPriors(structure);
    const known = new Set(specs.map(([n]) => n));
    for (const name of Object.keys(structure.customPriors)) {
      if (!known.has(name)) {
        throw new PriorError(
          `custom prior for unknown parameter "${name}"; the ${structure.model} model has: ${[...known].join(", ")}`,
        );
      }
    }
    let offset = 0;
    this.blocks = specs.map(([name, shape]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const custom = structure.customPriors[name];
      const source = custom ?? defaults[name];
      const priors = expandPriors(name, source, size, custom !== undefined);
      const block: ParameterBlock = {
        name,
        shape,
        size,
        offset,
        priors,
        transforms: priors.map(transformOf),
      };
      if (geo && name === "coef_media" && custom === undefined) {
        block.scaleFrom = { block: "channel_coef_media", multiplier: GEO_COEF_MEDIA_SCALE, groupSize: G };
      }
      offset += size;
      return block;
    });
    this.dim = offset;
    this.byName = new Map(this.blocks.map((b) => [b.name, b]));
  }

  block(name: string): ParameterBlock {
    const b = this.byName.get(name);
    if (!b) throw new LayoutError(`no parameter named "${name}"`);
    return b;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Flat index of the element whose value scales element i of block b's prior (see scaleFrom). */
  scaleParentIndex(b: ParameterBlock, i: number): number {
    if (!b.scaleFrom) throw new LayoutError(`the prior of "${b.name}" has a fixed scale`);
    return this.block(b.scaleFrom.block).offset + Math.floor(i / b.scaleFrom.groupSize);
  }

  /** Offset of a block, or -1 when the model has no such parameter. */
  offsetOf(name: string): number {
    return this.byName.get(name)?.offset ?? -1;
  }

  /** ArviZ-style labels of every element: intercept[0], expo_trend, gamma_seasonality[1, 0]. */
  labels(): string[] {
    const out: string[] = [];
    for (const b of this.blocks) {
      if (b.shape.length === 0) out.push(b.name);
      else if (b.shape.length === 1) for (let i = 0; i < b.size; i++) out.push(`${b.name}[${i}]`);
      else
        for (let i = 0; i < b.shape[0]; i++)
          for (let j = 0; j < b.shape[1]; j++) out.push(`${b.name}[${i}, ${j}]`);
    }
    return out;
  }

  /** Constrained values, flat in layout order. */
  constrainFlat(u: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    for (const b of this.blocks)
      for (let i = 0; i < b.size; i++) out[b.offset + i] = constrain(b.transforms[i], u[b.offset + i]);
    return out;
  }

  /** Unconstrained vector from flat constrained values. */
  unconstrainFlat(x: ArrayLike<number>, out = new Float64Array(this.dim)): Float64Array {
    for (const b of this.blocks)
      for (let i = 0; i < b.size; i++) out[b.offset + i] = unconstrain(b.transforms[i], x[b.offset + i]);
    return out;
  }

  /** Named, shaped constrained values (MODEL.md's JSON form). */
  constrain(u: ArrayLike<number>): ParameterValues {
    const flat = this.constrainFlat(u);
    const out: ParameterValues = {};
    for (const b of this.blocks) {
      const v = Array.from(flat.subarray(b.offset, b.offset + b.size));
      if (b.shape.length === 0) out[b.name] = v[0];
      else if (b.shape.length === 1) out[b.name] = v;
      else out[b.name] = Array.from({ length: b.shape[0] }, (_, i) => v.slice(i * b.shape[1], (i + 1) * b.shape[1]));
    }
    return out;
  }

  /**
   * Reads named values (MODEL.md's JSON form), checks names, shapes and
   * supports, and returns the flat constrained vector.
   */
  readValues(values: unknown): Float64Array {
    if (typeof values !== "object" || values === null || Array.isArray(values)) {
      throw new LayoutError("parameter values must be a JSON object keyed by parameter name");
    }
    const obj = values as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (!this.byName.has(k)) {
        throw new LayoutError(
          `unknown parameter "${k}"; expected: ${this.blocks.map((b) => b.name).join(", ")}`,
        );
      }
    }
    const flat = new Float64Array(this.dim);
    for (const b of this.blocks) {
      if (!(b.name in obj)) {
        if (b.size === 0) continue;
        throw new LayoutError(`missing parameter "${b.name}" (shape [${b.shape.join(", ")}])`);
      }
      const elems = flattenValue(b, obj[b.name]);
      for (let i = 0; i < b.size; i++) {
        const x = elems[i];
        const [lo, hi] = supportOf(b.priors[i]);
        const strictLow = b.transforms[i].kind !== "identity";
        const inside = strictLow ? x > lo && x < hi : x >= lo && x <= hi;
        if (!inside) {
          throw new LayoutError(
            `${elementLabel(b, i)} = ${x} is outside its support (${lo}, ${hi}) under its ${b.priors[i].dist} prior`,
          );
        }
        flat[b.offset + i] = x;
      }
    }
    return flat;
  }

  /** Prior medians on the unconstrained scale (LightweightMMM's init_to_median, exactly). */
  medianPoint(): Float64Array {
    const x = new Float64Array(this.dim);
    // Blocks in order: a hierarchical scale's parent has its median already,
    // and the child starts at its prior median given that scale.
    for (const b of this.blocks) {
      for (let i = 0; i < b.size; i++) {
        x[b.offset + i] = b.scaleFrom
          ? priorMedian({ dist: "HalfNormal", scale: b.scaleFrom.multiplier * x[this.scaleParentIndex(b, i)] })
          : priorMedian(b.priors[i]);
      }
    }
    return this.unconstrainFlat(x);
  }
}

/** How two-dimensional parameters are written in JSON. */
const TWO_D_FORM: Record<string, string> = {
  gamma_seasonality: "[degree][sin, cos]",
  coef_media: "[channel][geo]",
  coef_extra_features: "[feature][geo]",
};

function elementLabel(b: ParameterBlock, i: number): string {
  if (b.shape.length === 0) return b.name;
  if (b.shape.length === 1) return `${b.name}[${i}]`;
  return `${b.name}[${Math.floor(i / b.shape[1])}, ${i % b.shape[1]}]`;
}

function flattenValue(b: ParameterBlock, v: unknown): number[] {
  const bad = () =>
    new LayoutError(
      `parameter "${b.name}" must have shape [${b.shape.join(", ")}]` +
        (b.shape.length === 2 ? ` given as ${TWO_D_FORM[b.name] ?? "[row][column]"}` : "") +
        `, got ${JSON.stringify(v)}`,
    );
  let flat: unknown[];
  if (typeof v === "number") {
    if (b.size !== 1) throw bad();
    flat = [v];
  } else if (Array.isArray(v)) {
    if (b.shape.length === 2) {
      if (v.length !== b.shape[0] || !v.every((r) => Array.isArray(r) && r.length === b.shape[1])) throw bad();
      flat = (v as unknown[][]).flat();
    } else {
      if (v.length !== b.size || v.some((e) => Array.isArray(e))) throw bad();
      flat = v;
    }
  } else throw bad();
  return flat.map((e, i) => {
    if (typeof e !== "number" || !Number.isFinite(e)) {
      throw new LayoutError(`${elementLabel(b, i)} must be a finite number, got ${JSON.stringify(e)}`);
    }
    return e;
  });
}

function expandPriors(name: string, source: Prior | Prior[], size: number, custom: boolean): Prior[] {
  let priors: Prior[];
  if (Array.isArray(source)) {
    if (source.length !== size) {
      throw new PriorError(`custom prior for "${name}" has ${source.length} entries for ${size} elements`);
    }
    priors = source.map((p, i) => (custom ? parsePrior(p, `priors.${name}[${i}]`) : p));
  } else {
    const p = custom ? parsePrior(source, `priors.${name}`) : source;
    priors = Array.from({ length: size }, () => p);
  }
  const need = REQUIRED_SUPPORT[name];
  if (need) {
    for (const p of priors) {
      const [lo, hi] = supportOf(p);
      if (lo < need[0] || hi > need[1]) {
        throw new PriorError(
          `prior ${p.dist} for "${name}" has support [${lo}, ${hi}] but ${name} must lie in [${need[0]}, ${need[1]}]`,
        );
      }
    }
  }
  return priors;
}

export function constrain(t: Transform, u: number): number {
  switch (t.kind) {
    case "identity":
      return u;
    case "log":
      return portable.exp(u);
    case "logit":
      return logistic(u);
    case "scaled-logit":
      return t.low + (t.high - t.low) * logistic(u);
  }
}

/** x = constrain(t, u), with dx/du written into slope[0]: one transcendental for both. */
export function constrainWithSlope(t: Transform, u: number, slope: number[]): number {
  switch (t.kind) {
    case "identity":
      slope[0] = 1;
      return u;
    case "log": {
      const e = portable.exp(u);
      slope[0] = e;
      return e;
    }
    case "logit": {
      const p = logistic(u);
      slope[0] = p * (1 - p);
      return p;
    }
    case "scaled-logit": {
      const p = logistic(u);
      slope[0] = (t.high - t.low) * p * (1 - p);
      return t.low + (t.high - t.low) * p;
    }
  }
}

export function unconstrain(t: Transform, x: number): number {
  switch (t.kind) {
    case "identity":
      return x;
    case "log":
      return portable.log(x);
    case "logit":
      return portable.log(x) - portable.log1p(-x);
    case "scaled-logit": {
      const p = (x - t.low) / (t.high - t.low);
      return portable.log(p) - portable.log1p(-p);
    }
  }
}

/** log |dx/du| at u. */
export function logJacobian(t: Transform, u: number): number {
  switch (t.kind) {
    case "identity":
      return 0;
    case "log":
      return u;
    case "logit":
      return -softplus(-u) - softplus(u);
    case "scaled-logit":
      return portable.log(t.high - t.low) - softplus(-u) - softplus(u);
  }
}
