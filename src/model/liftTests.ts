// Lift tests (experiments) that calibrate a channel's saturation curve, as
// PyMC-Marketing's lift-test calibration does: each test adds
//   Normal(delta_y | coef * (f(x + delta_x) - f(x)), sigma)
// to the log-density, f the channel's saturation at steady state (its
// adstock's steady gain times the spend level), in the model's scaled units.
// docs/transforms.md describes the CSV form.

import { InputError } from "../errors.js";

/** One experiment, in the user's units (the media column's units per period, the target's per period). */
export interface LiftTest {
  channel: string;
  /** Geo model only: the geo the test ran in. */
  geo?: string;
  /** Spend (media) level per period before the test. */
  x: number;
  /** Change of the spend level per period during the test. */
  deltaX: number;
  /** Measured lift of the target per period. */
  deltaY: number;
  /** Standard error of deltaY. */
  sigma: number;
  /** Optional ISO dates the test ran (kept for the report). */
  dateStart?: string;
  dateEnd?: string;
  /** Where the test came from (file and row), for messages. */
  source?: string;
}

/** A lift test in the model's scaled units, channels and geos as indices. */
export interface ScaledLiftTest {
  channel: number;
  /** Geo index (0 for a national model). */
  geo: number;
  x: number;
  deltaX: number;
  deltaY: number;
  sigma: number;
}

/** Divisors that scale one (channel, geo) media series and one geo's target (fitted scalers). */
export interface LiftScales {
  media(channel: number, geo: number): number;
  target(geo: number): number;
}

/** Checks lift tests against the model's channels and geos and scales them. */
export function scaleLiftTests(
  tests: readonly LiftTest[],
  channels: readonly string[],
  geos: readonly string[] | undefined,
  scales: LiftScales,
): ScaledLiftTest[] {
  return tests.map((test, i) => {
    const where = test.source ?? `lift test ${i + 1}`;
    checkLiftTest(test, where);
    const c = channels.indexOf(test.channel);
    if (c < 0) throw new InputError(`${where}: channel "${test.channel}" is not a media channel of the model (${channels.join(", ")})`);
    let g = 0;
    if (geos) {
      if (test.geo === undefined) throw new InputError(`${where}: a geo model needs the geo each lift test ran in (column geo)`);
      g = geos.indexOf(test.geo);
      if (g < 0) throw new InputError(`${where}: geo "${test.geo}" is not in the data`);
    } else if (test.geo !== undefined) {
      throw new InputError(`${where}: geo "${test.geo}" given for a national model; leave the geo column empty`);
    }
    const m = scales.media(c, g);
    const y = scales.target(g);
    return { channel: c, geo: g, x: test.x / m, deltaX: test.deltaX / m, deltaY: test.deltaY / y, sigma: test.sigma / y };
  });
}

/** Values a lift test must have: finite numbers, x >= 0, x + delta_x >= 0, delta_x != 0, sigma > 0. */
export function checkLiftTest(test: LiftTest, where: string): void {
  for (const [name, v] of [
    ["x", test.x],
    ["delta_x", test.deltaX],
    ["delta_y", test.deltaY],
    ["sigma", test.sigma],
  ] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`${where}: ${name} must be a finite number, got ${v}`);
  }
  if (test.x < 0) throw new InputError(`${where}: x (the spend level before the test) must be >= 0, got ${test.x}`);
  if (test.deltaX === 0) throw new InputError(`${where}: delta_x is 0: a test must change the spend`);
  if (test.x + test.deltaX < 0) {
    throw new InputError(`${where}: x + delta_x = ${test.x + test.deltaX} is negative (spend cannot fall below 0)`);
  }
  if (!(test.sigma > 0)) throw new InputError(`${where}: sigma (the standard error of delta_y) must be > 0, got ${test.sigma}`);
}
