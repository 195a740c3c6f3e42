import { ParameterLayout } from "../../src/model/layout.js";
import { makeStructure, type ModelName } from "../../src/model/structure.js";
import type { ScaledData } from "../../src/model/scaledData.js";
import { mulberry32, uniformIn } from "./random.js";

export interface GeoFixtureShape {
  model: ModelName;
  T: number;
  C: number;
  G: number;
  F: number;
  degrees: number;
  /** Extra features per geo ([T, F, G]) instead of national ([T, F]). */
  geoExtra?: boolean;
  weekday?: boolean;
  seed: number;
}

/** Random scaled geo data (media [T][C][G] with zero weeks, geos of different sizes) and a layout. */
export function makeGeoFixture(shape: GeoFixtureShape): { layout: ParameterLayout; data: ScaledData } {
  const rand = mulberry32(shape.seed);
  const { T, C, G, F } = shape;
  const geoScale = Array.from({ length: G }, () => uniformIn(rand, 0.3, 2));
  const media = new Float64Array(T * C * G);
  for (let t = 0; t < T; t++)
    for (let c = 0; c < C; c++)
      for (let g = 0; g < G; g++) media[(t * C + c) * G + g] = rand() < 0.2 ? 0 : uniformIn(rand, 0.1, 2.5) * geoScale[g];
  const extra = new Float64Array(T * F * (shape.geoExtra ? G : 1));
  for (let i = 0; i < extra.length; i++) extra[i] = uniformIn(rand, 0.5, 1.5);
  const target = new Float64Array(T * G);
  for (let i = 0; i < target.length; i++) target[i] = uniformIn(rand, 0.6, 1.4);
  const structure = makeStructure({
    model: shape.model,
    nChannels: C,
    nExtra: F,
    degreesSeasonality: shape.degrees,
    weekdaySeasonality: shape.weekday ?? false,
    mediaPrior: Array.from({ length: C }, () => uniformIn(rand, 0.05, 0.5)),
    nGeos: G,
    geoExtra: shape.geoExtra ?? false,
  });
  return { layout: new ParameterLayout(structure), data: { T, media, extra, target, G } };
}
