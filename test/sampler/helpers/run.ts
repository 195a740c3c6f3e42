import type { LogDensity } from "../../../src/density/types.js";
import { sampleChain, type ChainOptions, type ChainResult } from "../../../src/samplerApi.js";
import { sampleChainsStaged } from "../../../src/services/stagedChains.js";
import { column, summarize, type Summary } from "./stats.js";

export interface MultiChainRun {
  results: ChainResult[];
  /** Per parameter, per chain, the draws (optionally transformed). */
  params: Float64Array[][];
  summaries: Summary[];
  leapfrogPerDraw: number;
  divergences: number;
  warmupGradients: number;
}

/** Runs `chains` chains (chainId 0..chains-1) sequentially and summarises each coordinate. */
export function runChains(
  density: LogDensity,
  options: Omit<ChainOptions, "chainId" | "initialPosition"> & { initialPosition?: Float64Array },
  chains: number,
  transform?: { names: string[]; constrain(u: Float64Array, out: Float64Array): void },
): MultiChainRun {
  const dim = density.dim;
  const results: ChainResult[] = [];
  for (let c = 0; c < chains; c++) {
    results.push(
      sampleChain(density, {
        initRadius: 2,
        ...options,
        initialPosition: options.initialPosition ?? new Float64Array(dim),
        chainId: c,
      }),
    );
  }
  return summariseChains(results, dim, transform);
}

/** As runChains; "pooled-*" warm-ups make the chains meet at window ends (services/stagedChains.ts). */
export async function runChainsAnyWarmup(
  density: LogDensity,
  options: Omit<ChainOptions, "chainId" | "initialPosition"> & { initialPosition?: Float64Array },
  chains: number,
  transform?: { names: string[]; constrain(u: Float64Array, out: Float64Array): void },
): Promise<MultiChainRun> {
  if (!options.adaptation?.startsWith("pooled")) return runChains(density, options, chains, transform);
  const dim = density.dim;
  const results = await sampleChainsStaged(density, { initRadius: 2, ...options, initialPosition: options.initialPosition ?? new Float64Array(dim) }, chains);
  return summariseChains(results, dim, transform);
}

function summariseChains(
  results: ChainResult[],
  dim: number,
  transform?: { names: string[]; constrain(u: Float64Array, out: Float64Array): void },
): MultiChainRun {
  let params: Float64Array[][];
  if (transform) {
    const k = transform.names.length;
    params = transform.names.map(() => []);
    const out = new Float64Array(k);
    for (const r of results) {
      const cols = transform.names.map(() => new Float64Array(r.numDraws));
      for (let i = 0; i < r.numDraws; i++) {
        transform.constrain(r.draws.subarray(i * dim, (i + 1) * dim), out);
        for (let j = 0; j < k; j++) cols[j]![i] = out[j]!;
      }
      cols.forEach((c, j) => params[j]!.push(c));
    }
  } else {
    params = Array.from({ length: dim }, (_, j) => column(results.map((r) => r.draws), dim, j));
  }
  let leap = 0;
  let draws = 0;
  let divergences = 0;
  let warmupGradients = 0;
  for (const r of results) {
    for (const n of r.stats.nLeapfrog) leap += n;
    draws += r.numDraws;
    divergences += r.divergences.sampling;
    warmupGradients += r.gradientEvaluations.warmup;
  }
  return {
    results,
    params,
    summaries: params.map(summarize),
    leapfrogPerDraw: leap / draws,
    divergences,
    warmupGradients,
  };
}
