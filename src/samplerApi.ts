// The \`sampler\` namespace of the public API: the NUTS kernel and its pieces
// (sampler/), the warm-up schemes (adaptation/) and the chain runner
// (services/chainRunner.ts), for callers composing their own chains.
export * from "./sampler/index.js";
export * from "./adaptation/index.js";
export { ChainRunner, sampleChain } from "./services/chainRunner.js";
export type { WindowReport, WindowDirective } from "./services/chainRunner.js";
