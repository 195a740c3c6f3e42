/**
 * Adam (Kingma & Ba 2015) for one scalar parameter, as a maximiser:
 *
 *   m = beta1 m + (1 - beta1) g;   v = beta2 v + (1 - beta2) g^2
 *   x += rate * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 *
 * With beta1 = 0 it is RMSProp with bias correction, which the ChEES-HMC
 * trajectory-length adaptation uses (Hoffman, Radul & Sountsov 2021).
 * `maxUpdate` optionally clips |update| so one noisy gradient cannot move x far.
 */
export interface AdamOptions {
  /** Learning rate (default 0.025). */
  rate?: number;
  /** First-moment decay (default 0: no momentum). */
  beta1?: number;
  /** Second-moment decay (default 0.95). */
  beta2?: number;
  /** Added to the root second moment (default 1e-10). */
  epsilon?: number;
  /** Largest |update| per step (default Infinity). */
  maxUpdate?: number;
}

export class ScalarAdam {
  readonly rate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly maxUpdate: number;
  private m = 0;
  private v = 0;
  private t = 0;

  constructor(options: AdamOptions = {}) {
    this.rate = options.rate ?? 0.025;
    this.beta1 = options.beta1 ?? 0;
    this.beta2 = options.beta2 ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-10;
    this.maxUpdate = options.maxUpdate ?? Number.POSITIVE_INFINITY;
    if (!(this.rate > 0) || !Number.isFinite(this.rate)) throw new Error(`Adam rate must be positive and finite, got ${this.rate}`);
    if (!(this.beta1 >= 0 && this.beta1 < 1)) throw new Error(`Adam beta1 must be in [0, 1), got ${this.beta1}`);
    if (!(this.beta2 >= 0 && this.beta2 < 1)) throw new Error(`Adam beta2 must be in [0, 1), got ${this.beta2}`);
    if (!(this.maxUpdate > 0)) throw new Error(`Adam maxUpdate must be positive, got ${this.maxUpdate}`);
  }

  /** The ascent step for gradient `g`; a non-finite gradient is ignored (returns 0, state unchanged). */
  step(g: number): number {
    if (!Number.isFinite(g)) return 0;
    this.t++;
    this.m = this.beta1 * this.m + (1 - this.beta1) * g;
    this.v = this.beta2 * this.v + (1 - this.beta2) * g * g;
    const mHat = this.m / (1 - Math.pow(this.beta1, this.t));
    const vHat = this.v / (1 - Math.pow(this.beta2, this.t));
    const update = (this.rate * mHat) / (Math.sqrt(vHat) + this.epsilon);
    return Math.max(-this.maxUpdate, Math.min(this.maxUpdate, update));
  }
}
