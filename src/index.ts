// Public API for Node: the shared API plus what reads and writes files.
export * from "./publicApi.js";
export { saveMMM, loadMMM, loadAnyMMM } from "./io/modelFile.js";
export { writeReport } from "./report/report.js";
export { EXAMPLE_COLUMNS } from "./model/example.js";
export { exportInferenceData, inferenceData, EXPORT_FORMATS, type ExportFormat, type ExportResult, type InferenceDataLayout } from "./io/export/index.js";
// Many models, one per slice of a long-format table (Node: they write folders), and run records.
export { fitMany, type FitManyOptions, type FitManyResult, type ManyEvent, type ManyProgress } from "./many/fitMany.js";
export { fitSlice, type SliceOutcome, type SliceRunOptions } from "./many/fitSlice.js";
export { sliceTable, sliceData, type Slice, type SliceData } from "./many/slices.js";
export { specHash, type SliceSpec } from "./many/sliceSpec.js";
export { writeCombined } from "./many/combine.js";
export { runRecord, writeRunRecord, type RunRecord } from "./runs/runRecord.js";
