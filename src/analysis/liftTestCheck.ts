// Each lift test's measured lift against the model's, per posterior draw:
// coef (f(g (x + dx)) - f(g x)) in the user's units (model/liftTests.ts), f
// the channel's saturation and g its adstock's steady gain. For a fit
// calibrated on the tests this shows them after calibration; for any other
// fit, before.

import { InputError } from "../errors.js";
import type { ParameterLayout } from "../model/layout.js";
import { scaleLiftTests, type LiftScales, type LiftTest } from "../model/liftTests.js";
import type { ModelStructure } from "../model/structure.js";
import { MODEL_TRANSFORMS } from "../model/transforms/index.js";
import { intervalOf, pooledDraws, type Interval } from "./intervals.js";

export interface LiftTestCheck {
  channel: string;
  geo?: string;
  x: number;
  deltaX: number;
  dateStart?: string;
  dateEnd?: string;
  /** The experiment's lift and its standard error (the target's units per period). */
  measured: number;
  sigma: number;
  /** The model's lift for the same change, over the posterior. */
  model: Interval;
  /** (model mean - measured) / sigma. */
  z: number;
  /** Whether the fit was calibrated on this test. */
  calibrated: boolean;
}

export interface LiftCheckInput {
  structure: ModelStructure;
  layout: ParameterLayout;
  chains: { draws: Float64Array }[];
  channels: readonly string[];
  geos?: readonly string[];
  scales: LiftScales;
  /** The tests the fit was calibrated on (config.liftTests). */
  calibratedOn?: readonly LiftTest[];
}

export function liftTestCheck(fit: LiftCheckInput, tests: readonly LiftTest[]): LiftTestCheck[] {
  if (tests.length === 0) throw new InputError("no lift tests to compare");
  const s = fit.structure;
  const { adstock, saturation } = MODEL_TRANSFORMS[s.model];
  const scaled = scaleLiftTests(tests, fit.channels, fit.geos, fit.scales);
  const draws = pooledDraws({ chains: fit.chains as never });
  const dim = fit.layout.dim;
  const n = draws.length / dim;
  const G = Math.max(1, fit.geos?.length ?? 1);
  const x = new Float64Array(dim);
  const coefficients = new Float64Array(Math.max(1, saturation.coefficients));
  const same = (a: LiftTest, b: LiftTest) =>
    a.channel === b.channel && a.geo === b.geo && a.x === b.x && a.deltaX === b.deltaX && a.deltaY === b.deltaY && a.sigma === b.sigma;
  return tests.map((test, k) => {
    const t = scaled[k];
    const values = (names: readonly string[]) => names.map((name) => x[fit.layout.block(name).offset + t.channel]);
    const lift = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      fit.layout.constrainFlat(draws.subarray(i * dim, (i + 1) * dim), x);
      const coef = x[fit.layout.block("coef_media").offset + t.channel * G + t.geo];
      saturation.prepare(values(saturation.params), coefficients, 0);
      const g = adstock.steadyGain(values(adstock.params), s.normaliseAdstock);
      const f1 = saturation.value(g * (t.x + t.deltaX), coefficients, 0);
      const f0 = saturation.value(g * t.x, coefficients, 0);
      lift[i] = coef * (f1 - f0) * fit.scales.target(t.geo);
    }
    const model = intervalOf(lift);
    return {
      channel: test.channel,
      ...(test.geo !== undefined ? { geo: test.geo } : {}),
      x: test.x,
      deltaX: test.deltaX,
      ...(test.dateStart ? { dateStart: test.dateStart } : {}),
      ...(test.dateEnd ? { dateEnd: test.dateEnd } : {}),
      measured: test.deltaY,
      sigma: test.sigma,
      model,
      z: (model.mean - test.deltaY) / test.sigma,
      calibrated: (fit.calibratedOn ?? []).some((c) => same(c, test)),
    };
  });
}
