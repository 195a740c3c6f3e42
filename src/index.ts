// Public API for Node: the shared API plus what reads and writes files.
export * from "./publicApi.js";
export { saveMMM, loadMMM, loadAnyMMM, loadFitFolder } from "./io/modelFile.js";
// Output folders and files written whole or not at all, and the files of a fit's folder.
export { checkOutputFolder, writeOutputFolder, checkOutputFile, writeFileWhole } from "./io/outputFolder.js";
export { writeFitOutputs, summaryJson, NATIONAL_GEO } from "./io/fitOutputs.js";
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
export { findRuns, pickRun, formatRunList, formatRunComparison, type FoundRun } from "./runs/listRuns.js";
// The JSON protocol server (docs/serve.md) and the job queue (BullMQ and ioredis load on first use).
export { serveStdio, type StdioServerOptions } from "./serve/stdioServer.js";
export { serveHttp, type HttpServerOptions } from "./serve/httpServer.js";
export { DEFAULT_LIMITS as DEFAULT_SERVE_LIMITS, type ServeLimits } from "./serve/session.js";
export { DEFAULT_QUEUE, type QueueSettings } from "./queue/jobs.js";
export { submitSlices, type SubmitOptions } from "./queue/submit.js";
export { runWorker, type WorkOptions } from "./queue/work.js";
export { queueStatus, type QueueStatus } from "./queue/status.js";
