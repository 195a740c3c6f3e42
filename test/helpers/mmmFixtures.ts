import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure, type ModelName } from "../../src/model/structure.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { mulberry32, uniformIn } from "./random.js";

export interface FixtureShape {
  model: ModelName;
  T: number;
  C: number;
  F: number;
  degrees: number;
  weekday?: boolean;
  seed: number;
}

/** Random scaled data (media with zero weeks and flighting) and a layout. */
export function makeFixture(shape: FixtureShape): { layout: ParameterLayout; data: ScaledData } {
  const rand = mulberry32(shape.seed);
  const { T, C, F } = shape;
  const media = new Float64Array(T * C);
  for (let t = 0; t < T; t++)
    for (let c = 0; c < C; c++) media[t * C + c] = rand() < 0.2 ? 0 : uniformIn(rand, 0.1, 2.5);
  const extra = new Float64Array(T * F);
  for (let i = 0; i < extra.length; i++) extra[i] = uniformIn(rand, 0.5, 1.5);
  const target = new Float64Array(T);
  for (let t = 0; t < T; t++) target[t] = uniformIn(rand, 0.6, 1.4);
  const structure = makeStructure({
    model: shape.model,
    nChannels: C,
    nExtra: F,
    degreesSeasonality: shape.degrees,
    weekdaySeasonality: shape.weekday ?? false,
    mediaPrior: Array.from({ length: C }, () => uniformIn(rand, 0.05, 0.5)),
  });
  return { layout: new ParameterLayout(structure), data: { T, media, extra, target } };
}

/** A random unconstrained point in a moderate box. */
export function randomPoint(dim: number, rand: () => number, radius = 1.5): Float64Array {
  return Float64Array.from({ length: dim }, () => uniformIn(rand, -radius, radius));
}

/** Shapes every density backend is checked on: T 1..520, C 1..20, F 0..5, degrees 0..4, weekday. */
export const DENSITY_SHAPES: Omit<FixtureShape, "model" | "seed">[] = [
  { T: 1, C: 1, F: 0, degrees: 0 },
  { T: 2, C: 2, F: 1, degrees: 1 },
  { T: 7, C: 3, F: 0, degrees: 2 },
  { T: 52, C: 5, F: 2, degrees: 2 },
  { T: 160, C: 5, F: 2, degrees: 2 },
  { T: 97, C: 20, F: 5, degrees: 4 },
  { T: 520, C: 11, F: 3, degrees: 3 },
  { T: 33, C: 4, F: 1, degrees: 2, weekday: true },
];
