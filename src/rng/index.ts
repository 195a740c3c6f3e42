export { philox4x32_10, mulhi32, mullo32 } from "./philox.js";
export { PhiloxRng, createRng } from "./random.js";
export type { Rng, UniformSource } from "./random.js";
