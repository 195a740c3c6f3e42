export type { LockstepIntegrator } from "./integrator.js";
export { cpuLockstepIntegrator } from "./cpuIntegrator.js";
export { sampleChees, CHEES_TARGET_ACCEPT } from "./chees.js";
export type { CheesOptions, CheesResult, LockstepIterationStats, LockstepProgress } from "./chees.js";
export type { LockstepInit } from "./init.js";
export { cheesGradient } from "./cheesCriterion.js";
export type { CheesGradientInput } from "./cheesCriterion.js";
export { CrossChainVariance } from "./crossChainVariance.js";
export { vanDerCorput } from "./halton.js";
