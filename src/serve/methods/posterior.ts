// posterior: the draws themselves, per named parameter on the constrained
// scale, shaped [chains, draws, ...parameter shape] and sent as base64
// float64 (the compact encoding), for clients that build their own traces.

import { encodeFloat64 } from "../protocol.js";
import type { Method } from "./context.js";

export const posterior: Method = (p, { session }) => {
  const fit = session.models.get(p.string("model"));
  p.done();
  const chains = fit.record.chains;
  const draws = Math.min(...chains.map((c) => c.numDraws));
  const dim = fit.layout.dim;
  const constrained = fit.constrainedDraws();
  const parameters: Record<string, ReturnType<typeof encodeFloat64>> = {};
  for (const b of fit.layout.blocks) {
    const out = new Float64Array(chains.length * draws * b.size);
    constrained.forEach((c, ci) => {
      for (let k = 0; k < draws; k++) out.set(c.subarray(k * dim + b.offset, k * dim + b.offset + b.size), (ci * draws + k) * b.size);
    });
    parameters[b.name] = encodeFloat64(out, [chains.length, draws, ...b.shape]);
  }
  return { chains: chains.length, draws, parameters };
};
