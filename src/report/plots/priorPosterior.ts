// Prior against posterior per parameter.

import { gammaP, invertCdf, normalCdf } from "../../math/special.js";
import { priorLogDensity, supportOf, type Prior } from "../../model/priors.js";
import { TRANSFORM_PARAMETERS } from "../../model/structure.js";
import { pooledDrawsOf, type ReportFit } from "../data.js";
import { densityHistogram, quantileOf } from "../stats.js";
import { ACCENT, WARN, baseSpec, type VegaLiteSpec } from "../theme.js";
import { type PlotOptions, type Row, inline } from "./common.js";

const PARAMETER_WORDS: Record<string, string> = {
  lag_weight: "lag_weight: how much of the effect carries over to the next period",
  half_max_effective_concentration: "half_max_effective_concentration: the (scaled) spend at half the maximum effect",
  slope: "slope: how sharply the Hill curve bends",
  exponent: "exponent: how quickly returns diminish (1 = not at all)",
  ad_effect_retention_rate: "ad_effect_retention_rate: how slowly the effect fades",
  peak_effect_delay: "peak_effect_delay: periods until the effect peaks",
};

/**
 * The central `mass` interval of a prior (closed forms, or a bisection of the
 * CDF); priors on positive values start at 0 and end at the same upper quantile.
 */
export function priorInterval(prior: Prior, mass = 0.98): [number, number] {
  const pLo = (1 - mass) / 2;
  const pHi = 1 - pLo;
  const zHi = invertCdf(normalCdf, pHi, -40, 40);
  switch (prior.dist) {
    case "Normal":
      return [prior.loc - zHi * prior.scale, prior.loc + zHi * prior.scale];
    case "LogNormal":
      return [Math.exp(prior.loc - zHi * prior.scale), Math.exp(prior.loc + zHi * prior.scale)];
    case "HalfNormal":
      return [0, invertCdf(normalCdf, (1 + pHi) / 2, 0, 40) * prior.scale];
    case "Gamma": {
      const a = prior.concentration;
      const top = Math.max(10, 10 * a) + 50 * Math.sqrt(a);
      return [0, invertCdf((x) => gammaP(a, x), pHi, 0, top) / prior.rate];
    }
    case "Beta":
      return [0, 1];
    case "Uniform":
      return [prior.low, prior.high];
  }
}

/** Prior density (from its log-density) and posterior histogram of every transform parameter, per channel. */
export function priorPosteriorSpec(fit: ReportFit, _o: PlotOptions = {}): VegaLiteSpec {
  const names = TRANSFORM_PARAMETERS[fit.record.structure.model];
  const { draws, count } = pooledDrawsOf(fit);
  const dim = fit.layout.dim;
  const rows: Row[] = [];
  const columns = [...names];
  for (const name of names) {
    const block = fit.layout.block(name);
    const parameter = name;
    fit.channelNames.forEach((channel, c) => {
      const prior = block.priors[c];
      const post = Float64Array.from({ length: count }, (_, k) => draws[k * dim + block.offset + c]);
      const [sLo, sHi] = supportOf(prior);
      const [pLo, pHi] = priorInterval(prior);
      const qLo = quantileOf(post, 0.001);
      const qHi = quantileOf(post, 0.999);
      const pad = 0.1 * (qHi - qLo || Math.abs(qHi) || 1);
      const lo = Math.max(sLo, Math.min(pLo, qLo - pad));
      const hi = Math.min(sHi, Math.max(pHi, qHi + pad));
      for (const b of densityHistogram(post, 30, Math.max(lo, qLo), Math.min(hi, qHi))) {
        rows.push({ kind: "posterior", parameter, channel, start: b.start, end: b.end, density: b.density });
      }
      const n = 80;
      const eps = (hi - lo) * 1e-3;
      for (let j = 0; j < n; j++) {
        const x = lo + eps + ((hi - lo - 2 * eps) * j) / (n - 1);
        const dens = Math.exp(priorLogDensity(prior, x));
        if (Number.isFinite(dens)) rows.push({ kind: "prior", parameter, channel, x, density: dens });
      }
    });
  }
  const legend = { domain: ["Prior", "Posterior"], range: [WARN, ACCENT] };
  const color = (datum: string) => ({ datum, type: "nominal", scale: legend, legend: { title: null, orient: "top", direction: "horizontal" } });
  return {
    ...baseSpec(
      "What the data taught the model: prior vs posterior of each media transform parameter",
      [
        "Red line: the prior density (belief before seeing the data); blue bars: the posterior (after). A posterior much narrower than its prior means the data pinned the parameter down.",
        ...names.map((n) => PARAMETER_WORDS[n] ?? n),
      ],
    ),
    data: inline(rows),
    facet: {
      row: { field: "channel", type: "nominal", sort: fit.channelNames, header: { title: null, labelAngle: 0, labelAlign: "right", labelFontSize: 13 } },
      column: { field: "parameter", type: "nominal", sort: columns, header: { title: null, labelFontSize: 12, labelLimit: 230 } },
    },
    spec: {
      width: 200,
      height: 70,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'posterior'" }],
          mark: { type: "rect", opacity: 0.7 },
          encoding: {
            x: { field: "start", type: "quantitative", title: null, axis: { tickCount: 4 } },
            x2: { field: "end" },
            y: { field: "density", type: "quantitative", title: null, axis: null },
            color: color("Posterior"),
          },
        },
        {
          transform: [{ filter: "datum.kind === 'prior'" }],
          mark: { type: "line", strokeWidth: 1.8 },
          encoding: {
            x: { field: "x", type: "quantitative", title: null },
            y: { field: "density", type: "quantitative", title: null, axis: null },
            color: color("Prior"),
          },
        },
      ],
    },
    resolve: { scale: { x: "independent", y: "independent" } },
  };
}
