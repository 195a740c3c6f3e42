// Timing on a loaded machine: short batches of calls (~0.25 ms, so that most
// run inside one time slice, unpreempted) and their median, rather than one
// long cycle that neighbours' work lands in.

/** Calls per batch for fn to take about ms milliseconds (after warming it up). */
export function batchSize(fn, ms = 0.25) {
  for (let i = 0; i < 3000; i++) fn();
  let n = 1;
  for (let t0 = performance.now(); performance.now() - t0 < ms; n *= 2) for (let i = 0; i < n; i++) fn();
  return n;
}

/** ns per call of one batch of n calls. */
export function timeBatch(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - t0) / n;
}

export function median(v) {
  const s = [...v].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** Median ns per call over `batches` short batches. */
export function medianBatchNs(fn, batches) {
  const n = batchSize(fn);
  return median(Array.from({ length: batches }, () => timeBatch(fn, n)));
}
