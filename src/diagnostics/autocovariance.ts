/**
 * Autocovariance of one chain at every lag 0..n-1, using the "biased"
 * estimator recommended by Geyer (1992):
 *   acov[t] = (1/n) * sum_{i=0}^{n-1-t} (x_i - mean)(x_{i+t} - mean).
 */
import { fftInPlace, nextPowerOfTwo } from "./fft.js";

/**
 * FFT version, O(n log n). The centred series is zero-padded to a power of
 * two >= 2n so the circular correlation computed by the FFT equals the
 * linear one (no wrap-around between lags t and n - t).
 */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;

  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;

  const size = nextPowerOfTwo(2 * n);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;

  fftInPlace(re, im);
  // |X_k|^2 is the transform of the (circular) autocorrelation sum.
  for (let k = 0; k < size; k++) {
    re[k] = re[k] * re[k] + im[k] * im[k];
    im[k] = 0;
  }
  fftInPlace(re, im, true);

  // 1/size undoes the unnormalised inverse; 1/n is the biased scaling.
  const scale = 1 / (size * n);
  for (let t = 0; t < n; t++) out[t] = re[t] * scale;
  return out;
}

/** Direct O(n^2) definition; exists so tests can check the FFT path. */
export function autocovarianceNaive(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  for (let t = 0; t < n; t++) {
    let sum = 0;
    for (let i = 0; i + t < n; i++) sum += (x[i] - mean) * (x[i + t] - mean);
    out[t] = sum / n;
  }
  return out;
}
