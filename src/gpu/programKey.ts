// What a compiled GPU program depends on: the model's structure only (which
// transform, which prior families occur, which baseline terms exist). Sizes
// (T, C, F, D, batch) live in uniforms and buffers, so one program serves
// every dataset and batch size of the same structure.

import type { ParameterLayout } from "../model/layout.js";
import { isGeoModel, type ModelName } from "../model/structure.js";
import { FAMILY_CODE, type PriorName } from "../model/priors.js";

export interface ProgramKey {
  model: ModelName;
  /** Prior families present anywhere in the layouts (sorted by family code). */
  families: PriorName[];
  seasonality: boolean;
  extraFeatures: boolean;
  weekday: boolean;
  /** ROI priors: the coefficients derived from the sampled ROIs (wgsl/roi.ts). */
  roiPrior: boolean;
  /** The geo (hierarchical) model (wgsl/geo.ts). */
  geo: boolean;
  /** Geo model with extra features per geo ([T][F][G], coefficients [F][G]). */
  geoExtra: boolean;
  /** Invocations sharing one position (wgsl/program.ts): 1, each walks its position alone. */
  lanes: number;
}

export function programKeyOf(layouts: readonly ParameterLayout[], lanes = 1): ProgramKey {
  const s = layouts[0].structure;
  const families = new Set<PriorName>();
  for (const layout of layouts) for (const b of layout.blocks) for (const p of b.priors) families.add(p.dist);
  return {
    model: s.model,
    families: [...families].sort((a, b) => FAMILY_CODE[a] - FAMILY_CODE[b]),
    seasonality: s.degreesSeasonality > 0,
    extraFeatures: s.nExtra > 0,
    weekday: s.weekdaySeasonality,
    roiPrior: s.roiPrior === true,
    geo: isGeoModel(s),
    geoExtra: isGeoModel(s) && s.geoExtra === true,
    lanes,
  };
}

/** The cache key: equal strings exactly when the programs are equal. */
export function programKeyString(k: ProgramKey): string {
  return [k.model, k.families.join("+"), k.seasonality ? "season" : "", k.extraFeatures ? "extra" : "", k.weekday ? "weekday" : "", k.roiPrior ? "roi" : "", k.geo ? (k.geoExtra ? "geo-extra" : "geo") : "", k.lanes > 1 ? `lanes${k.lanes}` : ""].join("|");
}
