export type { LockstepIntegrator } from "./integrator.js";
export { cpuLockstepIntegrator } from "./cpuIntegrator.js";
export { LockstepHmc, lockstepSteps } from "./transition.js";
export type { LockstepInit } from "./init.js";
export { vanDerCorput } from "./halton.js";
