import { it } from "vitest";
import { sampleChain } from "../src/sampler/index.js";
import { sampleChainsStaged } from "../src/services/stagedChains.js";
import { gaussMix } from "./sampler/models/posteriordb.js";
it("gaussMix seeds", async () => {
  const model = gaussMix();
  const dim = 5;
  for (const adaptation of (process.env.MIX_KINDS ?? "stan-diag,pooled-diag").split(",") as any[]) {
    for (let seed = 20240601; seed <= 20240616; seed++) {
      const opts = { seed, adaptation, targetAccept: model.targetAccept, initRadius: 2, initialPosition: new Float64Array(dim) };
      const chains = !adaptation.startsWith("pooled") ? [0, 1, 2, 3].map((c) => sampleChain(model.density, { ...opts, chainId: c })) : await sampleChainsStaged(model.density, opts, 4);
      const mus = chains.map((c) => { let m = 0; for (let i = 0; i < c.numDraws; i++) m += c.draws[i * dim]!; return m / c.numDraws; });
      const lps = chains.map((c) => c.stats.logp.reduce((a, b) => a + b, 0) / c.numDraws);
      console.log(JSON.stringify({ adaptation, seed, mu1: mus.map((v) => +v.toFixed(2)), lp: lps.map((v) => +v.toFixed(1)) }));
    }
  }
}, 1_000_000);
