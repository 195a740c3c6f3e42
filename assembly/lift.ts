// Lift tests (experiments) in the density (docs/transforms.md): each test adds
//   Normal(delta_y | coef[c, g] (f(g (x + dx)) - f(g x)), sigma)
// on its channel's saturation curve, in the model's scaled units. The curve
// and its parameter derivatives come from the generated kernels
// (generated/media.ts liftTest, from the transform table); here the tests'
// storage and the coefficient's part of the chain rule. With ROI priors the
// coefficient is the derived one (roi.ts): its derivative d lp / d coef goes
// into the channel's Lambda, which carries it to roi, the transform
// parameters (through S) and the geo model's relative coefficients.
import { HALF_LOG_2PI, addGrad, f64At } from "./access";
import { allocF64, nG, offMedia, pDValue, pValue } from "./layout";
import { LIFT_DOT } from "./kernelKit";
import { liftTest } from "./generated/media";
import { roiAddLiftScore, roiCoefAt, roiMode } from "./roi";

/** f64 fields per test: channel, geo, x + dx, x, delta_y, sigma (scaled units). */
const FIELDS: i32 = 6;
let nLift: i32 = 0;
let pLift: usize = 0;

/** The lift tests' log-density of the last evaluation. */
export let lastLiftLogDensity: f64 = 0;

/** After configure (and configureRoi): room for n tests; the host writes them at liftTestsPtr(). */
export function configureLift(n: i32): void {
  nLift = n;
  pLift = allocF64(n * FIELDS);
}

export function liftTestsPtr(): usize {
  return pLift;
}

/** Every test's term, after the forward pass (and roiAfterForward), before the media reverse pass. */
export function liftTerms<M>(): f64 {
  let lp: f64 = 0;
  for (let k = 0; k < nLift; k++) {
    const at = pLift + ((<usize>(k * FIELDS)) << 3);
    const c = <i32>load<f64>(at);
    const s = c * nG + <i32>load<f64>(at, 8);
    const sigma = load<f64>(at, 40);
    const coef = roiMode ? roiCoefAt(s) : f64At(pValue, offMedia + s);
    lp += liftTest<M>(c, coef, load<f64>(at, 16), load<f64>(at, 24), load<f64>(at, 32), sigma) - HALF_LOG_2PI - Math.log(sigma);
    const dCoef = load<f64>(LIFT_DOT);
    // With ROI priors the slot's derivative is d raw / du / raw (geo) or 0 (national): roi.ts.
    addGrad(offMedia + s, (roiMode ? coef * dCoef : dCoef) * f64At(pDValue, offMedia + s));
    if (roiMode) roiAddLiftScore(s, dCoef);
  }
  lastLiftLogDensity = lp;
  return lp;
}
