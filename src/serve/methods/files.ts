// save, load and export: fitted models to and from model.mmm files, and the
// posterior in ArviZ's InferenceData layout (netCDF-4, zarr or csv).

import { statSync } from "node:fs";
import { exportInferenceData, EXPORT_FORMATS, type ExportFormat } from "../../io/export/index.js";
import { loadAnyMMM, saveMMM } from "../../io/modelFile.js";
import type { Method } from "./context.js";
import { describeModel } from "./fit.js";

export const save: Method = (p, { session }) => {
  const fit = session.models.get(p.string("model"));
  const path = p.string("path");
  p.done();
  saveMMM(fit, path);
  return { path, bytes: statSync(path).size };
};

export const load: Method = (p, { session }) => {
  const path = p.string("path");
  p.done();
  const fit = loadAnyMMM(path);
  return describeModel(session.models.add(fit), fit);
};

export const exportPosterior: Method = async (p, { session }) => {
  const fit = session.models.get(p.string("model"));
  const path = p.string("path");
  const format = p.oneOf<ExportFormat>("format", EXPORT_FORMATS, "netcdf")!;
  p.done();
  const written = await exportInferenceData(fit, path, format);
  return { path, format, groups: written.groups, files: written.files };
};
