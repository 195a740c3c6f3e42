// What each indexed parameter is about, in the user's names: coef_media[1] is
// the channel "search", coef_extra_features[0] the column "price_index",
// a geo model's coef_media[1, 2] "search, west", weekday[0] of daily data
// starting on a Monday "Monday". Aligned with layout.labels().

import type { ParameterLayout } from "../model/layout.js";
import { TRANSFORM_PARAMETERS, type ModelName } from "../model/structure.js";

export interface SubjectNames {
  model: ModelName;
  channelNames: string[];
  extraNames: string[];
  /** Geo models only. */
  geoNames?: string[];
  /** The days the 7 weekday effects act on (daily dates; dates.ts weekdayEffectNames). */
  dayNames?: string[];
}

/** One entry per element of the layout: the names it is about ("" when none, e.g. the trend). */
export function parameterSubjects(layout: ParameterLayout, names: SubjectNames): string[] {
  const channelBlocks = new Set(["coef_media", ...TRANSFORM_PARAMETERS[names.model]]);
  const G = names.geoNames?.length ?? 0;
  const out: string[] = [];
  for (const b of layout.blocks) {
    const first =
      channelBlocks.has(b.name) && b.shape[0] === names.channelNames.length
        ? names.channelNames
        : b.name === "coef_extra_features" && b.shape[0] === names.extraNames.length
          ? names.extraNames
          : b.name === "weekday"
            ? names.dayNames
            : undefined;
    if (b.shape.length === 0) out.push("");
    else if (b.shape.length === 1) {
      for (let i = 0; i < b.size; i++) out.push(first?.[i] ?? (G > 1 && b.shape[0] === G ? names.geoNames![i] : ""));
    } else {
      for (let i = 0; i < b.shape[0]; i++)
        for (let j = 0; j < b.shape[1]; j++) {
          const geo = G > 1 && b.shape[1] === G ? names.geoNames![j] : "";
          out.push([first?.[i] ?? "", geo].filter(Boolean).join(", "));
        }
    }
  }
  return out;
}
