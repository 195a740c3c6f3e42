import type { UniformSource } from "../rng/random.js";
import { copyPhasePoint, createPhasePoint, type HamiltonianSystem, type PhasePoint } from "./types.js";
import * as portable from "../math/portable.js";

/**
 * The No-U-Turn trajectory builder with multinomial sampling, following the
 * semantics of Stan's base_nuts (Betancourt 2017, Appendix A):
 *
 *  - the trajectory is doubled in a random direction until a U-turn, a
 *    divergence, or the maximum depth;
 *  - each new subtree is built recursively; inside a subtree the proposal is
 *    merged by *uniform* progressive sampling (take the later half with
 *    probability w_final / (w_init + w_final));
 *  - at the top level the new subtree's proposal replaces the current sample
 *    by *biased* progressive sampling, with probability min(1, w_new / w_old);
 *  - the generalised U-turn criterion uses the summed momentum rho and the
 *    velocities ("sharp" momenta) M^-1 p at the two ends, and is additionally
 *    checked across the junction of every merge (rho of the first half plus the
 *    first point of the second half, and the last point of the first half plus
 *    rho of the second half);
 *  - a leapfrog step diverges when H - H0 > maxDeltaH or H is not finite;
 *  - the acceptance statistic is the mean of min(1, exp(H0 - H)) over every
 *    leapfrog step taken, including those of rejected subtrees.
 *
 * All working storage is allocated once, per depth level, in the constructor.
 */

interface Level {
  pInitEnd: Float64Array;
  pSharpInitEnd: Float64Array;
  rhoInit: Float64Array;
  zProposeFinal: PhasePoint;
  pFinalBeg: Float64Array;
  pSharpFinalBeg: Float64Array;
  rhoFinal: Float64Array;
}

/** log(exp(a) + exp(b)) that tolerates -Infinity arguments. */
export function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  return a > b ? a + portable.log1p(portable.exp(b - a)) : b + portable.log1p(portable.exp(a - b));
}

/**
 * Generalised no-U-turn check on rho = a + b: both ends' velocities must have
 * a positive projection on rho.
 */
function noUturn(pSharpMinus: Float64Array, pSharpPlus: Float64Array, a: Float64Array, b: Float64Array): boolean {
  let dm = 0;
  let dp = 0;
  for (let i = 0; i < a.length; i++) {
    const r = a[i]! + b[i]!;
    dm += pSharpMinus[i]! * r;
    dp += pSharpPlus[i]! * r;
  }
  return dp > 0 && dm > 0;
}

/** Result of one NUTS transition (fields are overwritten by the next call). */
export interface TrajectoryResult {
  depth: number;
  nLeapfrog: number;
  divergent: boolean;
  acceptStat: number;
  /** Hamiltonian at the selected point. */
  energy: number;
  /** The selected point (owned by the builder; copy it out). */
  readonly sample: PhasePoint;
}

export interface TrajectoryOptions {
  /** Maximum number of doublings (default 10). */
  maxTreeDepth?: number;
  /** Energy error above which a step counts as divergent (default 1000). */
  maxDeltaH?: number;
}

export class NutsTrajectoryBuilder {
  readonly dim: number;
  readonly maxTreeDepth: number;
  readonly maxDeltaH: number;

  private system!: HamiltonianSystem;
  private rng!: UniformSource;
  private epsilon = 0;
  private H0 = 0;
  private nLeapfrog = 0;
  private sumMetroProb = 0;
  private divergent = false;
  /** Log weight of the subtree most recently returned by buildTree. */
  private subtreeLogWeight = 0;

  /** The integrator's current point. */
  private readonly z: PhasePoint;
  private readonly zFwd: PhasePoint;
  private readonly zBck: PhasePoint;
  private readonly zSample: PhasePoint;
  private readonly zPropose: PhasePoint;
  private readonly pFwdFwd: Float64Array;
  private readonly pSharpFwdFwd: Float64Array;
  private readonly pFwdBck: Float64Array;
  private readonly pSharpFwdBck: Float64Array;
  private readonly pBckFwd: Float64Array;
  private readonly pSharpBckFwd: Float64Array;
  private readonly pBckBck: Float64Array;
  private readonly pSharpBckBck: Float64Array;
  private readonly rho: Float64Array;
  private readonly rhoFwd: Float64Array;
  private readonly rhoBck: Float64Array;
  private readonly scratchV: Float64Array;
  private readonly levels: Level[];
  private readonly result: TrajectoryResult;

  constructor(dim: number, options: TrajectoryOptions = {}) {
    const maxTreeDepth = options.maxTreeDepth ?? 10;
    const maxDeltaH = options.maxDeltaH ?? 1000;
    if (!Number.isInteger(maxTreeDepth) || maxTreeDepth < 1 || maxTreeDepth > 30) {
      throw new Error(`maxTreeDepth must be an integer in [1, 30], got ${maxTreeDepth}`);
    }
    if (!(maxDeltaH > 0)) throw new Error(`maxDeltaH must be positive, got ${maxDeltaH}`);
    this.dim = dim;
    this.maxTreeDepth = maxTreeDepth;
    this.maxDeltaH = maxDeltaH;
    const vec = () => new Float64Array(dim);
    this.z = createPhasePoint(dim);
    this.zFwd = createPhasePoint(dim);
    this.zBck = createPhasePoint(dim);
    this.zSample = createPhasePoint(dim);
    this.zPropose = createPhasePoint(dim);
    this.pFwdFwd = vec();
    this.pSharpFwdFwd = vec();
    this.pFwdBck = vec();
    this.pSharpFwdBck = vec();
    this.pBckFwd = vec();
    this.pSharpBckFwd = vec();
    this.pBckBck = vec();
    this.pSharpBckBck = vec();
    this.rho = vec();
    this.rhoFwd = vec();
    this.rhoBck = vec();
    this.scratchV = vec();
    // Subtrees of depth d >= 1 use level d; the top level builds depths < maxTreeDepth.
    this.levels = [];
    for (let d = 0; d < maxTreeDepth; d++) {
      this.levels.push({
        pInitEnd: vec(),
        pSharpInitEnd: vec(),
        rhoInit: vec(),
        zProposeFinal: createPhasePoint(dim),
        pFinalBeg: vec(),
        pSharpFinalBeg: vec(),
        rhoFinal: vec(),
      });
    }
    this.result = { depth: 0, nLeapfrog: 0, divergent: false, acceptStat: 0, energy: 0, sample: this.zSample };
  }

  /**
   * One NUTS transition from `z0` (position, gradient, logp and an already
   * drawn momentum). `z0` is not modified. Returns the builder-owned result.
   */
  transition(system: HamiltonianSystem, z0: PhasePoint, epsilon: number, rng: UniformSource): TrajectoryResult {
    if (system.dim !== this.dim) throw new Error("system dimension does not match the trajectory builder");
    this.system = system;
    this.rng = rng;
    this.epsilon = epsilon;

    copyPhasePoint(this.z, z0);
    copyPhasePoint(this.zFwd, z0);
    copyPhasePoint(this.zBck, z0);
    copyPhasePoint(this.zSample, z0);
    copyPhasePoint(this.zPropose, z0);

    const H0 = system.hamiltonian(z0, this.pSharpFwdFwd);
    this.H0 = H0;
    this.pFwdFwd.set(z0.p);
    this.pFwdBck.set(z0.p);
    this.pBckFwd.set(z0.p);
    this.pBckBck.set(z0.p);
    this.pSharpFwdBck.set(this.pSharpFwdFwd);
    this.pSharpBckFwd.set(this.pSharpFwdFwd);
    this.pSharpBckBck.set(this.pSharpFwdFwd);
    this.rho.set(z0.p);

    let logSumWeight = 0; // log(exp(H0 - H0))
    this.nLeapfrog = 0;
    this.sumMetroProb = 0;
    this.divergent = false;
    let depth = 0;

    while (depth < this.maxTreeDepth) {
      this.rhoFwd.fill(0);
      this.rhoBck.fill(0);
      let valid: boolean;
      if (rng.uniform() > 0.5) {
        // Extend forward: the old trajectory becomes the backward subtree,
        // whose forward end is the old forward end.
        copyPhasePoint(this.z, this.zFwd);
        this.rhoBck.set(this.rho);
        this.pBckFwd.set(this.pFwdFwd);
        this.pSharpBckFwd.set(this.pSharpFwdFwd);
        valid = this.buildTree(
          depth, this.zPropose, this.pSharpFwdBck, this.pSharpFwdFwd, this.rhoFwd, this.pFwdBck, this.pFwdFwd, 1,
        );
        copyPhasePoint(this.zFwd, this.z);
      } else {
        // Extend backward: the old trajectory becomes the forward subtree,
        // whose backward end is the old backward end.
        copyPhasePoint(this.z, this.zBck);
        this.rhoFwd.set(this.rho);
        this.pFwdBck.set(this.pBckBck);
        this.pSharpFwdBck.set(this.pSharpBckBck);
        valid = this.buildTree(
          depth, this.zPropose, this.pSharpBckFwd, this.pSharpBckBck, this.rhoBck, this.pBckFwd, this.pBckBck, -1,
        );
        copyPhasePoint(this.zBck, this.z);
      }
      if (!valid) break;
      depth++;

      // Biased progressive sampling between the old trajectory and the new subtree.
      const logWeightSubtree = this.subtreeLogWeight;
      if (logWeightSubtree > logSumWeight) {
        copyPhasePoint(this.zSample, this.zPropose);
      } else {
        const acceptProb = portable.exp(logWeightSubtree - logSumWeight);
        if (rng.uniform() < acceptProb) copyPhasePoint(this.zSample, this.zPropose);
      }
      logSumWeight = logSumExp(logSumWeight, logWeightSubtree);

      // rho = rhoBck + rhoFwd
      const rho = this.rho;
      for (let i = 0; i < this.dim; i++) rho[i] = this.rhoBck[i]! + this.rhoFwd[i]!;

      // Around the merged trajectory, then across the junction both ways.
      let persist = noUturn(this.pSharpBckBck, this.pSharpFwdFwd, this.rhoBck, this.rhoFwd);
      persist = noUturn(this.pSharpBckBck, this.pSharpFwdBck, this.rhoBck, this.pFwdBck) && persist;
      persist = noUturn(this.pSharpBckFwd, this.pSharpFwdFwd, this.rhoFwd, this.pBckFwd) && persist;
      if (!persist) break;
    }

    const res = this.result;
    res.depth = depth;
    res.nLeapfrog = this.nLeapfrog;
    res.divergent = this.divergent;
    res.acceptStat = this.sumMetroProb / this.nLeapfrog;
    res.energy = system.hamiltonian(this.zSample, this.scratchV);
    return res;
  }

  /**
   * Builds a subtree of 2^depth leapfrog steps from the current point in
   * direction `sign`, proposing a point into zPropose. "beg" is the first
   * point built (adjacent to the existing trajectory), "end" the last. `rho`
   * must be zero on entry and receives the subtree's summed momentum. The
   * subtree's log weight is left in this.subtreeLogWeight. Returns false on
   * divergence or on a U-turn within the subtree.
   */
  private buildTree(
    depth: number,
    zPropose: PhasePoint,
    pSharpBeg: Float64Array,
    pSharpEnd: Float64Array,
    rho: Float64Array,
    pBeg: Float64Array,
    pEnd: Float64Array,
    sign: number,
  ): boolean {
    const n = this.dim;
    if (depth === 0) {
      const z = this.z;
      this.system.evolve(z, sign * this.epsilon);
      this.nLeapfrog++;
      let h = this.system.hamiltonian(z, pSharpBeg);
      // NaN, -Infinity (from logp = +Infinity) and +Infinity all count as divergent.
      if (!Number.isFinite(h)) h = Number.POSITIVE_INFINITY;
      if (h - this.H0 > this.maxDeltaH) this.divergent = true;
      const logWeight = this.H0 - h;
      this.subtreeLogWeight = logWeight;
      this.sumMetroProb += logWeight > 0 ? 1 : portable.exp(logWeight);
      copyPhasePoint(zPropose, z);
      pSharpEnd.set(pSharpBeg);
      for (let i = 0; i < n; i++) rho[i] = rho[i]! + z.p[i]!;
      pBeg.set(z.p);
      pEnd.set(z.p);
      return !this.divergent;
    }

    const lv = this.levels[depth]!;

    // Initial half.
    lv.rhoInit.fill(0);
    if (!this.buildTree(depth - 1, zPropose, pSharpBeg, lv.pSharpInitEnd, lv.rhoInit, pBeg, lv.pInitEnd, sign)) {
      return false;
    }
    const logWeightInit = this.subtreeLogWeight;

    // Final half.
    lv.rhoFinal.fill(0);
    if (
      !this.buildTree(depth - 1, lv.zProposeFinal, lv.pSharpFinalBeg, pSharpEnd, lv.rhoFinal, lv.pFinalBeg, pEnd, sign)
    ) {
      return false;
    }
    const logWeightFinal = this.subtreeLogWeight;

    // Uniform progressive sampling within the subtree.
    const logWeightSubtree = logSumExp(logWeightInit, logWeightFinal);
    this.subtreeLogWeight = logWeightSubtree;
    if (logWeightFinal > logWeightSubtree) {
      copyPhasePoint(zPropose, lv.zProposeFinal);
    } else {
      const acceptProb = portable.exp(logWeightFinal - logWeightSubtree);
      if (this.rng.uniform() < acceptProb) copyPhasePoint(zPropose, lv.zProposeFinal);
    }

    for (let i = 0; i < n; i++) rho[i] = rho[i]! + lv.rhoInit[i]! + lv.rhoFinal[i]!;

    let persist = noUturn(pSharpBeg, pSharpEnd, lv.rhoInit, lv.rhoFinal);
    persist = noUturn(pSharpBeg, lv.pSharpFinalBeg, lv.rhoInit, lv.pFinalBeg) && persist;
    persist = noUturn(lv.pSharpInitEnd, pSharpEnd, lv.rhoFinal, lv.pInitEnd) && persist;
    return persist;
  }
}
