import type { Rows } from "../../src/analysis/posteriorEvaluator.js";
import type { MediaDataset } from "../../src/model/dataset.js";

/** A dataset's media and extra columns as prediction rows. */
export function sliceDatasetRows(d: MediaDataset): Rows {
  return { T: d.T, media: d.media, extra: d.extra };
}
