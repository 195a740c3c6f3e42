// Public API for Node: the shared API plus what reads and writes files.
export * from "./publicApi.js";
export { saveMMM, loadMMM, loadAnyMMM } from "./io/modelFile.js";
export { writeReport } from "./report/report.js";
export { EXAMPLE_COLUMNS } from "./model/example.js";
export { exportInferenceData, inferenceData, EXPORT_FORMATS, type ExportFormat, type ExportResult, type InferenceDataLayout } from "./io/export/index.js";
