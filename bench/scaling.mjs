// How the cost grows: microseconds per log-density-and-gradient as T (52 to
// 1040) and C (1 to 50) grow, and gradient evaluations per second as the
// number of chains grows (1 to 16 chains on this machine's cores). Writes
// bench/results/scaling.json and a plot, bench/results/scaling.svg.
import { mkdirSync, writeFileSync } from "node:fs";
import { MmmDensity, renderSvg, runChains } from "../dist/index.js";
import { problem, timeNs } from "./logp.mjs";
import { machineInfo } from "./machine.mjs";
import { machineLine, publish } from "./report.mjs";

export async function benchScaling({ quick = false } = {}) {
  const maxTime = quick ? 0.1 : 0.4;
  const perGradient = async (T, C) => {
    const { layout, data, u } = problem(T, C, 2);
    const d = new MmmDensity(layout, data);
    const g = new Float64Array(layout.dim);
    return (await timeNs(() => d.logpGrad(u, g), maxTime)) / 1000;
  };
  const overT = [];
  for (const T of quick ? [52, 260, 1040] : [52, 104, 208, 416, 520, 1040]) overT.push({ T, C: 5, us: await perGradient(T, 5) });
  const overC = [];
  for (const C of quick ? [1, 10, 50] : [1, 2, 5, 10, 20, 35, 50]) overC.push({ T: 156, C, us: await perGradient(156, C) });
  // Chains: short adapted runs (tree depth capped at 8); throughput is all
  // chains' gradient evaluations over the wall time, start-up included.
  const overChains = [];
  const { layout, data } = problem(156, 5, 2);
  for (const chains of quick ? [1, 2, 4] : [1, 2, 4, 8, 16]) {
    const run = await runChains({
      density: { kind: "mmm", structure: layout.structure, data },
      chains,
      seed: 3,
      initialPosition: () => layout.medianPoint(),
      chainOptions: { numWarmup: quick ? 60 : 150, numDraws: quick ? 60 : 150, maxTreeDepth: 8, initRadius: 0.1 },
    });
    const grads = run.chains.reduce((a, c) => a + c.gradientEvaluations.sampling + c.gradientEvaluations.warmup, 0);
    overChains.push({ chains, threads: run.threads, gradientsPerSecond: grads / run.wallSeconds, wallSeconds: run.wallSeconds });
  }
  const result = { machine: machineInfo(), quick, overT, overC, overChains };
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/scaling.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
  const panel = (title, values, x, xTitle, y, yTitle, xScale) => ({
    title,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: x, type: "quantitative", title: xTitle, ...(xScale ? { scale: xScale } : {}) },
      y: { field: y, type: "quantitative", title: yTitle },
    },
    width: 260,
    height: 200,
  });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Cost of one log-density and gradient (hill_adstock, F=2, accurate mode)",
    hconcat: [
      panel("over periods T (C=5)", overT, "T", "periods T", "us", "µs per gradient"),
      panel("over channels C (T=156)", overC, "C", "channels C", "us", "µs per gradient"),
      panel("throughput over chains (T=156, C=5)", overChains, "chains", "chains", "gradientsPerSecond", "gradients per second", { type: "log", base: 2 }),
    ],
  };
  writeFileSync(new URL("./results/scaling.svg", import.meta.url), await renderSvg(spec));
  const f = (v, n = 2) => v.toFixed(n);
  const md = [
    `Scaling, hill_adstock, F=2, accurate mode, on ${machineLine(result.machine)}${quick ? " (quick run)" : ""}; plot: [bench/results/scaling.svg](bench/results/scaling.svg).`,
    "",
    `| T (C=5) | ${overT.map((r) => r.T).join(" | ")} |`,
    `| --- | ${overT.map(() => "---").join(" | ")} |`,
    `| µs per gradient | ${overT.map((r) => f(r.us)).join(" | ")} |`,
    "",
    `| C (T=156) | ${overC.map((r) => r.C).join(" | ")} |`,
    `| --- | ${overC.map(() => "---").join(" | ")} |`,
    `| µs per gradient | ${overC.map((r) => f(r.us)).join(" | ")} |`,
    "",
    `| chains (T=156, C=5) | ${overChains.map((r) => r.chains).join(" | ")} |`,
    `| --- | ${overChains.map(() => "---").join(" | ")} |`,
    `| gradients per second | ${overChains.map((r) => Math.round(r.gradientsPerSecond)).join(" | ")} |`,
    `| worker threads | ${overChains.map((r) => r.threads).join(" | ")} |`,
  ].join("\n");
  publish("scaling", md);
  console.log(md);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchScaling({ quick: process.argv.includes("--quick") });
}
