/**
 * Stan's windowed adaptation schedule (stan::mcmc::windowed_adaptation).
 *
 * Warm-up iterations 0..numWarmup-1 are split into an initial fast buffer
 * (step size only), a series of slow windows in which draws are accumulated
 * for the metric, and a terminal fast buffer (step size only). The first slow
 * window has `baseWindow` iterations; each following one is twice as long;
 * when the window after the next would overrun the start of the terminal
 * buffer, the current window is stretched to end there. With the defaults
 * (75 / 25 / 50) and 1000 warm-up iterations the windows are
 * [75,99], [100,149], [150,249], [250,449], [450,949].
 *
 * If initBuffer + baseWindow + termBuffer > numWarmup the stages are rescaled
 * to 15% / 75% / 10% of numWarmup (integer parts), as Stan does. (Stan's own
 * code forgets to reset its window counters in that branch - stan-dev/stan
 * issue #3380 - so it never updates the metric there; here the rescaled single
 * window is used as intended.) With numWarmup < 20 no metric is adapted.
 */
export interface WindowOptions {
  /** Initial fast buffer (default 75). */
  initBuffer?: number;
  /** Terminal fast buffer (default 50). */
  termBuffer?: number;
  /** First slow window (default 25). */
  baseWindow?: number;
}

export class StanWindowSchedule {
  readonly numWarmup: number;
  readonly initBuffer: number;
  readonly termBuffer: number;
  readonly baseWindow: number;
  /** False when numWarmup < 20: no metric adaptation at all. */
  readonly enabled: boolean;
  private counter = 0;
  private windowSize: number;
  private nextWindowEnd: number;

  constructor(numWarmup: number, options: WindowOptions = {}) {
    let initBuffer = options.initBuffer ?? 75;
    let termBuffer = options.termBuffer ?? 50;
    let baseWindow = options.baseWindow ?? 25;
    for (const [k, v] of [["initBuffer", initBuffer], ["termBuffer", termBuffer], ["baseWindow", baseWindow]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${k} must be a non-negative integer, got ${v}`);
    }
    if (!Number.isInteger(numWarmup) || numWarmup < 0) {
      throw new Error(`numWarmup must be a non-negative integer, got ${numWarmup}`);
    }
    this.numWarmup = numWarmup;
    this.enabled = numWarmup >= 20;
    if (this.enabled && initBuffer + baseWindow + termBuffer > numWarmup) {
      initBuffer = Math.floor(0.15 * numWarmup);
      termBuffer = Math.floor(0.1 * numWarmup);
      baseWindow = numWarmup - (initBuffer + termBuffer);
    }
    this.initBuffer = initBuffer;
    this.termBuffer = termBuffer;
    this.baseWindow = baseWindow;
    this.windowSize = baseWindow;
    this.nextWindowEnd = this.enabled ? initBuffer + baseWindow - 1 : -1;
  }

  /** The current warm-up iteration (number of calls to advance so far). */
  get iteration(): number {
    return this.counter;
  }

  /** Whether the current iteration's draw belongs to a slow window. */
  inWindow(): boolean {
    return (
      this.enabled &&
      this.counter >= this.initBuffer &&
      this.counter < this.numWarmup - this.termBuffer &&
      this.counter !== this.numWarmup
    );
  }

  /** Whether the current iteration closes a slow window. */
  isWindowEnd(): boolean {
    return this.enabled && this.counter === this.nextWindowEnd && this.counter !== this.numWarmup;
  }

  /** Called at a window end (before advance) to place the next window's end. */
  computeNextWindow(): void {
    const lastEnd = this.numWarmup - this.termBuffer - 1;
    if (this.nextWindowEnd === lastEnd) return;
    this.windowSize *= 2;
    this.nextWindowEnd = this.counter + this.windowSize;
    if (this.nextWindowEnd === lastEnd) return;
    const followingBoundary = this.nextWindowEnd + 2 * this.windowSize;
    if (followingBoundary >= this.numWarmup - this.termBuffer) this.nextWindowEnd = lastEnd;
  }

  advance(): void {
    this.counter++;
  }

  /** The slow windows as inclusive [start, end] iteration pairs. */
  static windows(numWarmup: number, options: WindowOptions = {}): Array<[number, number]> {
    const s = new StanWindowSchedule(numWarmup, options);
    const out: Array<[number, number]> = [];
    let start = -1;
    for (let i = 0; i < numWarmup; i++) {
      if (s.inWindow() && start < 0) start = i;
      if (s.isWindowEnd()) {
        out.push([start, i]);
        start = -1;
        s.computeNextWindow();
      }
      s.advance();
    }
    return out;
  }
}
