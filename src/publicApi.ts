// The public API shared by the Node entry (index.ts) and the browser entry
// (browser.ts): everything that needs no file system. Each entry re-exports
// this and adds its own platform's pieces.
export type { LogDensity, BatchedLogDensity } from "./density/types.js";
export { batchFromSingle } from "./density/types.js";
export { MmmDensity, type MmmDensityOptions } from "./density/mmmDensity.js";
export { referenceLogDensity, type ReferenceResult } from "./density/reference.js";
export { finiteDifferenceGradient } from "./density/finiteDifference.js";
export { coreModule, compileCore, coreWasmBytes } from "./density/wasmCore.js";
export { ParameterLayout, type ParameterBlock, type ParameterValues } from "./model/layout.js";
export {
  makeStructure,
  mediaPriorFromCosts,
  MODEL_NAMES,
  TRANSFORM_PARAMETERS,
  type ModelName,
  type ModelStructure,
  type StructureOptions,
} from "./model/structure.js";
export { parsePrior, priorMedian, type Prior } from "./model/priors.js";
export { parsePriorFile } from "./model/priorFile.js";
export { checkParameterisation, type Parameterisation } from "./model/samplingCoordinates.js";
export type { ScaledData } from "./model/scaledData.js";
export { runChains, ChainFailure, type RunChainsOptions, type RunChainsResult, type ChainProgress } from "./services/runChains.js";
export type { DensitySpec } from "./services/densitySpec.js";
export { webWorkerFactory, type WorkerFactory } from "./services/workerHost.js";
export * as sampler from "./samplerApi.js";
export * as diagnostics from "./diagnostics/index.js";
export {
  simulateDataset,
  simulateGeoDataset,
  type GeoSimulation,
  type GeoSimulationOptions,
  type Simulation,
  type SimulationOptions,
} from "./simulate/simulate.js";
export {
  ADSTOCK_NAMES,
  SATURATION_NAMES,
  PRESET_NAMES,
  ALL_MODEL_NAMES,
  composedName,
  transformParameterNames,
  transformPriors,
  type AdstockName,
  type SaturationName,
} from "./model/modelChoice.js";
export { scaleLiftTests, type LiftTest, type ScaledLiftTest } from "./model/liftTests.js";
export { liftTestsFromTable } from "./io/liftTestCsv.js";
export { liftTestsToCompare } from "./report/liftTests.js";
export {
  splitRows,
  sliceDataset,
  totalSpend,
  datasetCosts,
  validateCosts,
  MIN_ROWS,
  type MediaDataset,
  type ColumnSelection,
  type SplitOptions,
  type Frequency,
} from "./model/dataset.js";
export { validateGeoTrainingRows, splitGeoRows, sliceGeoDataset, isGeoDataset, type GeoMediaDataset, type GeoColumnSelection, type GeoDatasetOptions, type ExtraScope } from "./model/dataset.js";
export { datasetFromTable, datasetFromRows, datasetFromColumns, geoDatasetFromTable, geoDatasetFromRows, geoDatasetFromColumns, dateColumn } from "./io/datasetTable.js";
export { predictionRowsFromTable } from "./io/predictionRows.js";
export { addPeriods, periodsBetween } from "./model/periodDates.js";
// Defaults that follow the spacing of the dates: the seasonal period and the carryover window.
export { periodsPerYear, defaultCarryoverLags } from "./model/cadence.js";
export { totalGeoSpend, geoSpendRatios, geoCosts, geoMediaPrior, geoAsNational, nationalRollup } from "./model/geoViews.js";
export {
  fitScalers,
  scaleRows,
  fitPanelScalers,
  fitGeoScalers,
  scaleGeoRows,
  scaleGeoMedia,
  scaleGeoExtra,
  scaleGeoTarget,
  unscaleGeoTarget,
  sumOverGeos,
  scalerNotes,
  type FittedScalers,
  type FittedGeoScalers,
  type ScalerKind,
  type ScalerOptions,
} from "./model/scaling.js";
export { checkGeoDataQuality, type GeoDataQualityReport } from "./analysis/geoDataQuality.js";
export { formatGeoDataQualityReport } from "./report/dataQualityText.js";
export { checkDataQuality, type DataQualityReport, type DataQualityWarning } from "./analysis/dataQuality.js";
export { dayOfWeekPattern, type DayOfWeekPattern } from "./analysis/dayOfWeek.js";
export { formatDataQualityReport } from "./report/dataQualityText.js";
export { parseCsv, tableFromColumns, tableFromRows, columnIndex, numericColumn, rowNumber, type Table, type NumericColumnOptions } from "./io/csv.js";
export { csvText } from "./io/csvWrite.js";
export { InputError, FitStopped, NotConvergedError, SamplerFailure } from "./errors.js";
export { logProb, type LogProbRequest, type LogProbResult } from "./api/logProb.js";
export { fitMMM, type FitCallbacks, type FitOptions } from "./api/fitMMM.js";
export { FittedMMM } from "./api/fittedMMM.js";
export type { FitRecord } from "./fit/record.js";
export type { FitDiagnostics, SummaryEntry } from "./fit/posteriorFit.js";
export {
  resolveConfig,
  DEFAULT_SAMPLER,
  GEO_SAMPLER_DEFAULTS,
  LOCKSTEP_PARAMETERISATION,
  INIT_STRATEGIES,
  MAX_TEMPERING_REPLICAS,
  MAX_SAMPLES_FACTOR,
  resolveDraws,
  drawsCanGoOn,
  LOCKSTEP_MAX_STORED_VALUES,
  lockstepMostDraws,
  type FitConfig,
  type FitConfigInput,
  type ModelConfig,
  type RoiPriorConfig,
  type SamplerConfig,
  type InitStrategy,
  type MathSetting,
} from "./fit/config.js";
export type { BackendSetting, MethodSetting } from "./services/backend.js";
export { isSoftwareAdapter, lockstepRequested } from "./services/backend.js";
export { LOCKSTEP_TARGET_ACCEPT } from "./services/lockstepChains.js";
export type { Rows } from "./analysis/posteriorEvaluator.js";
export type { Interval } from "./analysis/intervals.js";
export type { Prediction, PredictOptions, PanelPrediction, PredictOptions as GeoPredictOptions, PanelPrediction as GeoPrediction } from "./analysis/predict.js";
export type { FitMetrics, PanelFitMetrics, PanelFitMetrics as GeoFitMetrics } from "./analysis/fitMetrics.js";
export type { Contributions, PanelContributions, PanelContributions as GeoContributions } from "./analysis/contributions.js";
export type { ChannelRoi, PanelRoi, PanelRoi as GeoRoi } from "./analysis/roi.js";
export type { ResponseCurve } from "./analysis/responseCurves.js";
export * from "./report/index.js";
export { optimizeBudget, DEFAULT_PERIODS } from "./optimize/optimizeBudget.js";
export type { OptimizeBudgetOptions, BudgetOptimization, ChannelBoundInput, ChannelStatus, ConstraintReport, TargetReport } from "./optimize/types.js";
export { minimizeSqp, projectFeasible, type SmoothFunction, type SqpOptions, type SqpResult } from "./optimize/solver/sqp.js";
export { solveQp, type LinearConstraints, type LinearRow, type Multipliers, type QpResult } from "./optimize/solver/quadraticProgram.js";
export * as gpu from "./gpu/index.js";
export { fitGeoMMM, type GeoFitOptions } from "./api/fitGeoMMM.js";
export { FittedGeoMMM } from "./api/fittedGeoMMM.js";
export type { GeoFitRecord, AnyFitRecord } from "./fit/record.js";
export type { Rows as GeoRows } from "./analysis/posteriorEvaluator.js";
export { geoRowsFromLong } from "./analysis/panel.js";
export type { GeoBudgetOptions, GeoBudgetOptimization } from "./optimize/optimizeGeoBudget.js";
export { geoSimulationColumns } from "./simulate/geoSimulationTable.js";
