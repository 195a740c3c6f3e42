export { sampleChain } from "./chainRunner.js";
export type { AdaptationKind, ChainCallbacks, ChainOptions, ChainResult, DrawStats } from "./chain.js";
export { createNutsKernel } from "./kernel.js";
export type { NutsKernel, NutsKernelOptions } from "./kernel.js";
export { NutsTrajectoryBuilder, logSumExp } from "./tree.js";
export type { TrajectoryOptions, TrajectoryResult } from "./tree.js";
export { EuclideanSystem } from "./hamiltonian.js";
export { DiagonalMetric, DenseMetric, choleskyLower } from "./metric.js";
export { findInitialState } from "./init.js";
export type { InitSpec, InitOptions } from "./init.js";
export { createPhasePoint, copyPhasePoint } from "./types.js";
export type { HamiltonianSystem, Metric, NutsInfo, NutsState, PhasePoint } from "./types.js";

// The pieces the chain runner is built from, for callers composing their own.
export * from "../adaptation/index.js";
export * from "../rng/index.js";
export { ChainRunner } from "./chainRunner.js";
export type { WindowReport, WindowDirective } from "./chainRunner.js";
export { ADAPTATION_KINDS } from "./chain.js";
